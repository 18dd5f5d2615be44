package archivelog

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestCorruptAndHostileFiles(t *testing.T) {
	dir := t.TempDir()
	good := gzipLines(t, "g", 100)
	bad := append([]byte(nil), good...)
	bad[len(bad)-6] ^= 0xff // the CRC-32 of the trailer
	writeRenamed(t, filepath.Join(dir, "badcrc.log.gz"), bad)
	writeRenamed(t, filepath.Join(dir, "notgzip.log.gz"), []byte("this is not gzip at all\n"))
	// A gzip bomb: 256 MiB of zeros without a newline, a few hundred KiB compressed.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 256 {
		zw.Write(zeros)
	}
	zw.Write([]byte("\nafter the bomb\n"))
	zw.Close()
	writeRenamed(t, filepath.Join(dir, "bomb.log.gz"), bomb.Bytes())

	rec := newRecorder()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := start(t, Options{Glob: filepath.Join(dir, "*.log.gz"), FromBeginning: true, MaxLineBytes: 64 << 10}, rec)
	defer r.Stop()
	waitFor(t, "all three files handled", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.failed["badcrc.log.gz"] == 1 && rec.failed["notgzip.log.gz"] == 1 && rec.finished["bomb.log.gz"] == 1
	})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 32<<20 {
		t.Errorf("heap grew by %d MiB reading a gzip bomb", grown>>20)
	}
	rec.mu.Lock()
	bl := rec.lines["bomb.log.gz"]
	rec.mu.Unlock()
	if len(bl) != 2 || len(bl[0]) != 64<<10 || bl[1] != "after the bomb" {
		t.Fatalf("bomb lines: %d, first %d bytes", len(bl), len(bl[0]))
	}
	// Failed files are not read again while they do not change.
	n := rec.total()
	target := r.scans.Load() + 5
	waitFor(t, "five more scans", func() bool { return r.scans.Load() >= target })
	if rec.total() != n || rec.failed["badcrc.log.gz"] != 1 {
		t.Fatal("a corrupt file was read again although it did not change")
	}
}

func TestUnreadableFileReportedOnce(t *testing.T) {
	dir := t.TempDir()
	writeRenamed(t, filepath.Join(dir, "locked.log.gz"), gzipLines(t, "l", 3))
	rec := newRecorder()
	r, err := Start(Options{Glob: filepath.Join(dir, "*.log.gz"), FromBeginning: true, PollInterval: time.Hour}, rec.handler)
	if err != nil {
		t.Fatal(err)
	}
	r.Stop() // the first scan ran with os.Open; test scan() directly with a failing opener
	rec = newRecorder()
	r.newHandler = rec.handler
	r.states = map[identity]*Position{}
	r.stop = make(chan struct{})
	r.open = func(string) (*os.File, error) {
		return nil, &os.PathError{Op: "open", Path: "locked.log.gz", Err: syscall.EACCES}
	}
	for range 5 {
		r.scan()
	}
	if rec.failed["locked.log.gz"] != 1 || rec.count("locked.log.gz") != 0 {
		t.Fatalf("failures reported %d times, %d lines", rec.failed["locked.log.gz"], rec.count("locked.log.gz"))
	}
}

// A file that cannot be opened any more after part of it was read (it
// grew; EMFILE, EACCES) keeps what was delivered: it is not read again
// from its start once it opens.
func TestFailedOpenKeepsDelivered(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "growing.log.gz")
	writeRenamed(t, path, gzipLines(t, "l", 3))
	rec := newRecorder()
	r, err := Start(Options{Glob: filepath.Join(dir, "*.log.gz"), FromBeginning: true, PollInterval: time.Hour}, rec.handler)
	if err != nil {
		t.Fatal(err)
	}
	r.Stop() // scan() is driven by hand below
	r.stop = make(chan struct{})
	r.scan()
	before := r.Positions()
	if len(before) != 1 || before[0].Delivered == 0 {
		t.Fatalf("positions after the first scan: %+v", before)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(gzipLines(t, "m", 2)) // grown: scanned again
	f.Close()
	r.newHandler = newRecorder().handler
	r.stop = make(chan struct{})
	r.open = func(string) (*os.File, error) {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.EMFILE}
	}
	r.scan()
	after := r.Positions()
	if len(after) != 1 || after[0].Delivered != before[0].Delivered {
		t.Fatalf("positions after a failed open: %+v, want Delivered %d kept", after, before[0].Delivered)
	}
}
