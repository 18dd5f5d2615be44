package logwindow

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/badgateway/badgateway_exporter/cause"
)

// A 100 MB line without a newline (a sparse file: no disk used) before and
// after real lines is never loaded whole: the read allocates a bounded
// amount, keeps the line's head, and still counts the lines around it.
func TestHugeLineBoundedMemory(t *testing.T) {
	const huge = 100 << 20
	path := filepath.Join(t.TempDir(), "error.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	head := refusedLine(testNow.Add(-time.Minute), "127.0.0.1:5000") + "\n" + nginxStamp(testNow.Add(-time.Minute)) + " [error] "
	if _, err := f.WriteString(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(len(head)) + huge); err != nil { // the line goes on with 100 MB of NUL bytes
		t.Fatal(err)
	}
	tail := "\n" + refusedLine(testNow.Add(-time.Second), "127.0.0.1:5000") + "\n" + strings.Repeat("\xff", 3<<20) // and a 3 MB unfinished line
	if _, err := f.WriteAt([]byte(tail), int64(len(head))+huge); err != nil {
		t.Fatal(err)
	}
	f.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := readOne(t, File{Path: path, Format: NginxError}, 15*time.Minute)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d bytes to read a file with a 100 MB line", alloc)
	}
	if got := mustUpstream(t, &res.Summary, "127.0.0.1:5000").Count(cause.ConnectionRefused); got != 2 {
		t.Errorf("connection_refused: %d, want 2", got)
	}
	st := res.Summary.Files[0]
	if st.Lines != 4 || st.Cut != 2 || st.InWindow != 3 || st.Undated != 1 {
		t.Errorf("stats: %+v", st)
	}
}

// Evidence is valid UTF-8 without control bytes, cut to EvidenceBytes.
func TestEvidenceSanitized(t *testing.T) {
	ts := nginxStamp(testNow.Add(-time.Minute))
	line := ts + ` [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /` +
		"\xff\xfe\x1b[31m\x00" + strings.Repeat("é", 400) + `", upstream: "http://127.0.0.1:5000/", host: "x"`
	path := writeLog(t, t.TempDir(), "error.log", []string{line})
	res := readOne(t, File{Path: path, Format: NginxError}, 15*time.Minute)
	ev := mustUpstream(t, &res.Summary, "127.0.0.1:5000").Cause(cause.ConnectionRefused).Evidence
	if len(ev) != 1 || !utf8.ValidString(ev[0]) || len(ev[0]) > EvidenceBytes || strings.ContainsAny(ev[0], "\x00\x1b") || !strings.HasSuffix(ev[0], "…") {
		t.Errorf("evidence %q (%d bytes)", ev, len(ev[0]))
	}
}

// Files that are not regular files, or do not exist, are skipped with the
// reason, at once: a FIFO nobody writes to does not block, /dev/zero is not
// read forever. The other files are still read.
func TestSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	good := writeLog(t, dir, "error.log", []string{refusedLine(testNow.Add(-time.Minute), "127.0.0.1:5000")})
	files := []File{
		{Path: fifo, Format: NginxError},
		{Path: "/dev/zero", Format: NginxError},
		{Path: dir, Format: NginxError},
		{Path: filepath.Join(dir, "missing.log"), Format: HAProxy},
		{Path: good, Format: NginxAccess}, // no log_format
		{Path: good, Format: NginxError},
	}
	done := make(chan Result, 1)
	go func() { done <- Read(files, Options{Since: time.Hour, Now: testNow, Location: time.UTC}) }()
	var res Result
	select {
	case res = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("Read blocked on a FIFO or an endless file")
	}
	wants := []string{"a FIFO", "a character device", "a directory", "no such file", "no log_format"}
	if len(res.Skipped) != len(wants) {
		t.Fatalf("skipped: %+v", res.Skipped)
	}
	for i, want := range wants {
		if !strings.Contains(res.Skipped[i].Reason, want) || res.Skipped[i].Check != "logs" {
			t.Errorf("skipped[%d] = %+v, want a reason with %q", i, res.Skipped[i], want)
		}
	}
	if len(res.Logs) != 1 || res.Logs[0] != good || mustUpstream(t, &res.Summary, "127.0.0.1:5000").Count(cause.ConnectionRefused) != 1 {
		t.Errorf("logs %v, summary %+v", res.Logs, res.Summary.Upstreams)
	}
}

// shrinkingReader is a file truncated after its first reads.
type shrinkingReader struct {
	data  []byte
	reads int
	after int // reads before the truncation
}

func (r *shrinkingReader) ReadAt(p []byte, off int64) (int, error) {
	r.reads++
	data := r.data
	if r.reads > r.after {
		data = nil
	}
	if off >= int64(len(data)) {
		return 0, io.EOF
	}
	n := copy(p, data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// A file truncated while it is read (copytruncate) ends the read without an
// error: what was read before counts, and the stats say so.
func TestTruncatedWhileRead(t *testing.T) {
	var b bytes.Buffer
	for i := range 5000 {
		b.WriteString(refusedLine(testNow.Add(-10*time.Minute+time.Duration(i)*time.Millisecond), "127.0.0.1:5000") + "\n")
	}
	for _, after := range []int{1, 5, 20} {
		w := &window{from: testNow.Add(-15 * time.Minute), now: testNow, until: testNow.Add(FutureSlack), loc: time.UTC, maxBytes: DefaultMaxBytes}
		tl := newTally()
		f := File{Path: "error.log", Format: NginxError}
		h, _ := w.newHandler(f, tl)
		stats, err := w.readOpened(f, &shrinkingReader{data: b.Bytes(), after: after}, h, tl, FileStats{Path: f.Path, Size: int64(b.Len())})
		if err != nil || len(stats) != 1 || !stats[0].Truncated {
			t.Errorf("after %d reads: %+v, %v", after, stats, err)
		}
	}
}

// A window larger than MaxBytes stops at MaxBytes and says so; the line cut
// by the bound is not counted.
func TestMaxBytesCap(t *testing.T) {
	var lines []string
	for i := range 1000 {
		lines = append(lines, refusedLine(testNow.Add(-10*time.Minute+time.Duration(i)*time.Millisecond), "127.0.0.1:5000"))
	}
	path := writeLog(t, t.TempDir(), "error.log", lines)
	lineLen := int64(len(lines[0]) + 1)
	res := Read([]File{{Path: path, Format: NginxError}}, Options{Since: time.Hour, Now: testNow, Location: time.UTC, MaxBytes: 100*lineLen + 10})
	st := res.Summary.Files[0]
	if !st.Capped || st.Lines != 100 || st.BytesRead > 250*lineLen {
		t.Errorf("stats: %+v", st)
	}
	if got := mustUpstream(t, &res.Summary, "127.0.0.1:5000").Count(cause.ConnectionRefused); got != 100 {
		t.Errorf("counted %d, want 100", got)
	}
}

// When the window starts before the first line of error.log, error.log.1
// is read too (its lines first), unless NoRotated.
func TestRotatedPredecessor(t *testing.T) {
	dir := t.TempDir()
	var old, cur []string
	for i := range 300 {
		old = append(old, refusedLine(testNow.Add(-3*time.Hour+time.Duration(i)*time.Second), "127.0.0.1:5000"))
	}
	for i := range 6 {
		old = append(old, refusedLine(testNow.Add(-50*time.Minute+time.Duration(i)*time.Second), "127.0.0.1:5000"))
	}
	for i := range 4 {
		cur = append(cur, refusedLine(testNow.Add(-10*time.Minute+time.Duration(i)*time.Second), "127.0.0.1:5000"))
	}
	writeLog(t, dir, "error.log.1", old)
	path := writeLog(t, dir, "error.log", cur)
	for _, noRotated := range []bool{false, true} {
		res := Read([]File{{Path: path, Format: NginxError}}, Options{Since: time.Hour, Now: testNow, Location: time.UTC, NoRotated: noRotated})
		want, files := int64(10), 2
		if noRotated {
			want, files = 4, 1
		}
		u := mustUpstream(t, &res.Summary, "127.0.0.1:5000")
		if u.Count(cause.ConnectionRefused) != want || len(res.Summary.Files) != files || len(res.Logs) != files {
			t.Errorf("NoRotated=%v: count %d, files %+v", noRotated, u.Count(cause.ConnectionRefused), res.Summary.Files)
		}
		if !noRotated && (!res.Summary.Files[0].Predecessor || !strings.HasPrefix(u.Cause(cause.ConnectionRefused).Evidence[0], nginxStamp(testNow.Add(-10*time.Minute+3*time.Second)))) {
			t.Errorf("predecessor first, newest evidence from error.log: %+v %q", res.Summary.Files, u.Cause(cause.ConnectionRefused).Evidence)
		}
	}
}
