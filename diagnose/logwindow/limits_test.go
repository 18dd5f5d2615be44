package logwindow

import (
	"bytes"
	"context"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

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

// A rotated predecessor that cannot be read (here a FIFO) is skipped with
// its reason; the current file is still read.
func TestUnreadablePredecessor(t *testing.T) {
	dir := t.TempDir()
	path := writeLog(t, dir, "error.log", []string{refusedLine(testNow.Add(-time.Minute), "127.0.0.1:5000")})
	if err := syscall.Mkfifo(path+".1", 0o644); err != nil {
		t.Fatal(err)
	}
	res := Read([]File{{Path: path, Format: NginxError}}, Options{Now: testNow, Location: time.UTC})
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "error.log.1") || !strings.Contains(res.Skipped[0].Reason, "FIFO") {
		t.Errorf("skipped: %+v", res.Skipped)
	}
	if res.Summary.Since != DefaultSince || mustUpstream(t, &res.Summary, "127.0.0.1:5000").Count(cause.ConnectionRefused) != 1 {
		t.Errorf("summary: %+v", res.Summary)
	}
}

// countdownContext is done after its Err was asked a number of times.
type countdownContext struct {
	context.Context
	left int
}

func (c *countdownContext) Err() error {
	if c.left--; c.left < 0 {
		return context.Canceled
	}
	return nil
}

// A context done in the middle of a file stops its read there.
func TestReadContextCancelledMidFile(t *testing.T) {
	var lines []string
	for i := range 10000 {
		lines = append(lines, refusedLine(testNow.Add(-time.Duration(10000-i)*time.Millisecond), "127.0.0.1:5000"))
	}
	path := writeLog(t, t.TempDir(), "error.log", lines)
	ctx := &countdownContext{Context: context.Background(), left: 2}
	res := ReadContext(ctx, []File{{Path: path, Format: NginxError}}, Options{Now: testNow, Location: time.UTC})
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "stopped: context canceled") {
		t.Errorf("skipped %+v", res.Skipped)
	}
	if st := res.Summary.Files; len(st) != 1 || st[0].BytesRead >= st[0].Size {
		t.Errorf("stats %+v", st)
	}
}
