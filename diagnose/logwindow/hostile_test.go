package logwindow

import (
	"context"
	"fmt"
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

// Binary garbage and hostile upstream names in every format: no crash,
// labels valid UTF-8 and bounded, the number of upstreams bounded.
func TestGarbageAndHostileLabels(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		refusedLine(testNow.Add(-time.Minute), "\xff\xfebad:80"),
		refusedLine(testNow.Add(-time.Minute), strings.Repeat("é", 1000)+":80"),
	}
	for i := range MaxUpstreams + 50 {
		lines = append(lines, refusedLine(testNow.Add(-time.Minute), fmt.Sprintf("10.%d.%d.1:80", i/256, i%256)))
	}
	lines = append(lines,
		"\x00\x01\x02\xff\xfe\xfd\n\r\t",
		strings.Repeat("\x80", 5000),
	)
	garbage := make([]byte, 1<<16)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i/13)
	}
	lines = append(lines, string(garbage))
	path := writeLog(t, dir, "error.log", lines)
	files := []File{{Path: path, Format: NginxError}, {Path: path, Format: HAProxy}, {Path: path, Format: ApacheError},
		{Path: path, Format: NginxAccess, Access: compileAccess(t, testAccessFormat)}}
	res := Read(files, Options{Since: time.Hour, Now: testNow, Location: time.UTC})
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %v", res.Skipped)
	}
	if n := len(res.Summary.Upstreams); n != MaxUpstreams+1 {
		t.Errorf("%d upstreams, want %d and %s", n, MaxUpstreams, OtherUpstream)
	}
	if res.Summary.Upstream(OtherUpstream) == nil || res.Summary.Upstream("\uFFFDbad:80") == nil || res.Summary.Upstream(strings.Repeat("é", MaxUpstreamBytes/2)) == nil {
		t.Errorf("no %s, or hostile labels not made valid", OtherUpstream)
	}
	for _, f := range res.Findings() {
		if !utf8.ValidString(f.Upstream) || len(f.Upstream) > MaxUpstreamBytes || !utf8.ValidString(f.Summary) {
			t.Errorf("finding %q: %q", f.Upstream, f.Summary)
		}
		for _, e := range f.Evidence {
			if !utf8.ValidString(e) || len(e) > EvidenceBytes {
				t.Errorf("evidence %q", e)
			}
		}
	}
}

// A cancelled context stops the read: the files are listed as skipped with
// the context's error instead of being read.
func TestReadContextCancelled(t *testing.T) {
	var lines []string
	for i := range 10000 {
		lines = append(lines, refusedLine(testNow.Add(-time.Duration(10000-i)*time.Millisecond), "127.0.0.1:5000"))
	}
	path := writeLog(t, t.TempDir(), "error.log", lines)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := ReadContext(ctx, []File{{Path: path, Format: NginxError}, {Path: path, Format: NginxError}}, Options{Now: testNow, Location: time.UTC})
	if len(res.Skipped) != 2 || !strings.Contains(res.Skipped[0].Reason, "context canceled") || len(res.Summary.Upstreams) != 0 {
		t.Errorf("skipped %+v, upstreams %+v", res.Skipped, res.Summary.Upstreams)
	}
}
