package archivelog

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder counts the lines of every file, by file.
type recorder struct {
	mu       sync.Mutex
	lines    map[string][]string
	finished map[string]int
	failed   map[string]int
}

func newRecorder() *recorder {
	return &recorder{lines: map[string][]string{}, finished: map[string]int{}, failed: map[string]int{}}
}

type fileRec struct {
	r    *recorder
	path string
}

func (r *recorder) handler(path string) Handler { return &fileRec{r, path} }
func (f *fileRec) Line(b []byte) {
	f.r.mu.Lock()
	f.r.lines[filepath.Base(f.path)] = append(f.r.lines[filepath.Base(f.path)], string(b))
	f.r.mu.Unlock()
}
func (f *fileRec) Finished() { f.r.mu.Lock(); f.r.finished[filepath.Base(f.path)]++; f.r.mu.Unlock() }
func (f *fileRec) Failed(error) {
	f.r.mu.Lock()
	f.r.failed[filepath.Base(f.path)]++
	f.r.mu.Unlock()
}

func (r *recorder) count(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lines[name])
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.lines {
		n += len(l)
	}
	return n
}

func gzipLines(t *testing.T, prefix string, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for i := range n {
		fmt.Fprintf(zw, "%s line %d\n", prefix, i)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeRenamed writes like aws s3 sync: a temporary name, then a rename.
func writeRenamed(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".3fA9c2b1"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func start(t *testing.T, opts Options, rec *recorder) *Reader {
	t.Helper()
	opts.PollInterval = 20 * time.Millisecond
	r, err := Start(opts, rec.handler)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReadsEachFileOnceAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	glob := filepath.Join(dir, "*.log.gz")
	writeRenamed(t, filepath.Join(dir, "a.log.gz"), gzipLines(t, "a", 1000))
	rec := newRecorder()
	r := start(t, Options{Glob: glob, FromBeginning: true}, rec)
	waitFor(t, "a read", func() bool { return rec.count("a.log.gz") == 1000 })

	// A file that appears while running; one written in two halves (a
	// partial gzip: unexpected EOF, then completed).
	writeRenamed(t, filepath.Join(dir, "b.log.gz"), gzipLines(t, "b", 500))
	c := gzipLines(t, "c", 3000)
	cPath := filepath.Join(dir, "c.log.gz")
	if err := os.WriteFile(cPath, c[:len(c)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b read and c partly read", func() bool {
		return rec.count("b.log.gz") == 500 && rec.count("c.log.gz") > 0 && partial(r, "c.log.gz")
	})
	f, err := os.OpenFile(cPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(c[len(c)/2:]); err != nil {
		t.Fatal(err)
	}
	f.Close()
	waitFor(t, "c read", func() bool { return rec.count("c.log.gz") == 3000 })
	r.Stop()
	assertLines(t, rec, "c.log.gz", "c", 3000)

	// Restart from the saved positions: nothing is read again; a new file is.
	saved := r.Positions()
	rec2 := newRecorder()
	r2 := start(t, Options{Glob: glob, Resume: true, Positions: saved}, rec2)
	writeRenamed(t, filepath.Join(dir, "d.log.gz"), gzipLines(t, "d", 10))
	waitFor(t, "d read", func() bool { return rec2.count("d.log.gz") == 10 })
	r2.Stop()
	if n := rec2.total(); n != 10 {
		t.Fatalf("after the restart %d lines were read, want only d's 10: %v", n, keys(rec2))
	}
	if rec.finished["a.log.gz"] != 1 || rec.finished["c.log.gz"] != 1 {
		t.Errorf("finished %v", rec.finished)
	}
}

func partial(r *Reader, name string) bool {
	for _, p := range r.Positions() {
		if filepath.Base(p.Name) == name && p.Partial {
			return true
		}
	}
	return false
}

func assertLines(t *testing.T, rec *recorder, name, prefix string, n int) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	got := rec.lines[name]
	for i, l := range got {
		if want := fmt.Sprintf("%s line %d", prefix, i); l != want {
			t.Fatalf("%s line %d = %q, want %q", name, i, l, want)
		}
	}
	if len(got) != n {
		t.Fatalf("%s: %d lines, want %d", name, len(got), n)
	}
}

func keys(r *recorder) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var k []string
	for n := range r.lines {
		k = append(k, n)
	}
	return k
}

func TestStartsAtTheEndWithoutFromBeginning(t *testing.T) {
	dir := t.TempDir()
	writeRenamed(t, filepath.Join(dir, "old.log.gz"), gzipLines(t, "old", 5))
	rec := newRecorder()
	r := start(t, Options{Glob: filepath.Join(dir, "*.log.gz")}, rec)
	defer r.Stop()
	writeRenamed(t, filepath.Join(dir, "new.log.gz"), gzipLines(t, "new", 5))
	waitFor(t, "new read", func() bool { return rec.count("new.log.gz") == 5 })
	if rec.count("old.log.gz") != 0 {
		t.Fatal("a file present at start was read without from_beginning")
	}
}

func TestPlainLogFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.log")
	if err := os.WriteFile(path, []byte("one\ntwo\nthr"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	r := start(t, Options{Glob: filepath.Join(dir, "*.log"), FromBeginning: true}, rec)
	defer r.Stop()
	waitFor(t, "two lines", func() bool { return rec.count("x.log") == 2 })
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("ee\n")
	f.Close()
	waitFor(t, "three lines", func() bool { return rec.count("x.log") == 3 })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if got := strings.Join(rec.lines["x.log"], ","); got != "one,two,three" {
		t.Fatalf("lines %q", got)
	}
}

func TestForgetsDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	rec := newRecorder()
	var mu sync.Mutex
	var forgotten []string
	r := start(t, Options{Glob: filepath.Join(dir, "*.log.gz"), Forget: func(p string) {
		mu.Lock()
		forgotten = append(forgotten, filepath.Base(p))
		mu.Unlock()
	}}, rec)
	defer r.Stop()
	path := filepath.Join(dir, "a.log.gz")
	writeRenamed(t, path, gzipLines(t, "a", 3))
	waitFor(t, "a read", func() bool { return rec.count("a.log.gz") == 3 && len(r.Positions()) == 1 })
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a forgotten", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(forgotten) == 1 && forgotten[0] == "a.log.gz" && len(r.Positions()) == 0
	})
}
