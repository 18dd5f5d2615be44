package s3source

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// waitErrors waits until at least n errors of kind were counted.
func (ts *testSource) waitErrors(t *testing.T, kind string, n float64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for ts.errors(kind) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s errors = %v after 60s, want %v", kind, ts.errors(kind), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A source resumed with a marker for an object whose first GET fails
// keeps the marker: the next poll skips the lines handed over before.
func TestFailedGetKeepsPartialMarker(t *testing.T) {
	srv := s3test.Start(t, bucket)
	srv.Put(t, bucket, "p.log", []byte(joinLines(linesOf("p", 10))))
	var failing atomic.Bool
	failing.Store(true)
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if isGet(r, "p.log") && failing.Load() {
			http.Error(w, "<Error><Code>InternalError</Code></Error>", http.StatusInternalServerError)
			return true
		}
		return false
	})
	ts := startTestSource(t, srv, Options{Resume: true, Partial: Partial{Key: "p.log", Lines: 3}})
	ts.waitErrors(t, ErrorGet, 1)
	failing.Store(false)
	ts.waitDone(t, 1)
	lines, _ := ts.rec.snapshot()
	if want := linesOf("p", 10)[3:]; !slices.Equal(lines, want) {
		t.Errorf("lines %q, want %q (the 3 handed over before not again)", lines, want)
	}
}

// In dated mode an object that arrived late with a smaller key is handed
// before the one with the marker: the marker stays for its object, and the
// position saved after the late one carries it.
func TestLateSmallerKeyKeepsPartialMarker(t *testing.T) {
	srv := s3test.Start(t, bucket)
	day := "2026/12/01"
	last, late, partial := albKey(day, "1000", "n1"), albKey(day, "1003", "n2"), albKey(day, "1005", "n1")
	for _, k := range []string{last, late, partial} {
		srv.Put(t, bucket, k, s3test.Gzip(t, linesOf(k, 10)...))
	}
	var mu sync.Mutex
	var saved []Position
	ts := startTestSource(t, srv, Options{
		Prefix: "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/",
		Start:  Position{LastKey: last, Done: []string{last}}, Resume: true,
		Partial: Partial{Key: partial, Lines: 4},
		Save: func(p Position) error {
			mu.Lock()
			defer mu.Unlock()
			saved = append(saved, p)
			return nil
		},
	})
	done := ts.waitDone(t, 2)
	lines, _ := ts.rec.snapshot()
	want := append(linesOf(late, 10), linesOf(partial, 10)[4:]...)
	if !slices.Equal(done, []string{late, partial}) || !slices.Equal(lines, want) {
		t.Errorf("done %q, %d lines, want the late object whole then the last 6 lines of the other", done, len(lines))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(saved) < 2 || saved[0].InProgress != (Partial{Key: partial, Lines: 4}) || saved[1].InProgress != (Partial{}) {
		t.Errorf("saved positions %+v, want the marker kept in the first, gone in the second", saved)
	}
}

// An object whose download fails half way (every resume refused too) is
// tried again at the next poll from the line reached: every line once.
func TestHalfReadObjectRetriedFromLineReached(t *testing.T) {
	srv := s3test.Start(t, bucket)
	data := s3test.Gzip(t, linesOf("c", 20000)...)
	srv.Put(t, bucket, "c.log.gz", data)
	srv.Put(t, bucket, "d.log.gz", s3test.Gzip(t, linesOf("d", 10)...))
	var failing atomic.Bool
	failing.Store(true)
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !isGet(r, "c.log.gz") || !failing.Load() {
			return false
		}
		if r.Header.Get("Range") != "" {
			http.Error(w, "<Error><Code>InternalError</Code></Error>", http.StatusInternalServerError)
			return true
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		w.Write(data[:len(data)/2]) // then the connection is closed: short body
		return true
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true})
	ts.waitErrors(t, ErrorGet, 1)
	failing.Store(false)
	ts.waitDone(t, 2)
	lines, _ := ts.rec.snapshot()
	want := append(linesOf("c", 20000), linesOf("d", 10)...)
	if !slices.Equal(lines, want) {
		t.Errorf("%d lines, want %d, each once in order", len(lines), len(want))
	}
	if got := ts.errors(ErrorSkipped); got != 0 {
		t.Errorf("skipped = %v, want 0", got)
	}
}

func joinLines(lines []string) string {
	s := ""
	for _, l := range lines {
		s += l + "\n"
	}
	return s
}
