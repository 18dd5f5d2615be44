package s3source

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// isGet reports whether r downloads key (not a listing).
func isGet(r *http.Request, key string) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+key)
}

// A corrupt, non-gzip or truncated .gz object is counted as a gzip error
// and skipped at the damage; the objects around it are read whole.
func TestCorruptGzipCountedAndSkipped(t *testing.T) {
	srv := s3test.Start(t, bucket)
	good := s3test.Gzip(t, linesOf("good", 50)...)
	corrupt := s3test.Gzip(t, linesOf("corrupt", 5000)...)
	corrupt = slices.Clone(corrupt)
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] ^= 0x5a
	}
	objects := map[string][]byte{
		"a.log.gz": good, "b.log.gz": corrupt, "c.log.gz": []byte("plain text, not gzip\n"),
		"d.log.gz": good[:len(good)/2], "e.log.gz": s3test.Gzip(t, linesOf("last", 3)...),
	}
	for k, v := range objects {
		srv.Put(t, bucket, k, v)
	}
	ts := startTestSource(t, srv, Options{FromBeginning: true})
	done := ts.waitDone(t, 5)
	if want := []string{"a.log.gz", "b.log.gz", "c.log.gz", "d.log.gz", "e.log.gz"}; !slices.Equal(done, want) {
		t.Errorf("done %q, want %q", done, want)
	}
	if got := ts.errors(ErrorGzip); got != 3 {
		t.Errorf("gzip errors = %v, want 3", got)
	}
	if got := ts.objects(); got != 2 {
		t.Errorf("objects_total = %v, want 2 (the intact ones)", got)
	}
	lines, _ := ts.rec.snapshot()
	if !slices.Equal(lines[:50], linesOf("good", 50)) || !slices.Equal(lines[len(lines)-3:], linesOf("last", 3)) {
		t.Errorf("the intact objects' lines are not all there, in order")
	}
	// Of the damaged ones, what inflated before the damage was found (gzip's
	// CRC is at the end: garbage lines may come first, to be counted
	// unrecognized by the parser).
	if n := len(lines) - 53; n > 5000+25 {
		t.Errorf("%d lines from the damaged objects, more than they hold", n)
	}
}

// A line longer than the limit (here a 10 MiB object without a newline)
// is delivered cut, once, and counted; memory stays bounded by the limit.
func TestHugeLineWithoutNewlineIsCut(t *testing.T) {
	srv := s3test.Start(t, bucket)
	const limit = 64 << 10
	srv.Put(t, bucket, "a.log.gz", s3test.Gzip(t, "before", strings.Repeat("y", 300<<10), "after"))
	srv.Put(t, bucket, "b.log.gz", s3test.Gzip(t, strings.Repeat("x", 10<<20)))
	srv.Put(t, bucket, "c.log", []byte(strings.Repeat("z", 10<<20))) // no newline at all
	ts := startTestSource(t, srv, Options{FromBeginning: true, MaxLineBytes: limit})
	ts.waitDone(t, 3)
	lines, _ := ts.rec.snapshot()
	want := []string{"before", strings.Repeat("y", limit), "after", strings.Repeat("x", limit), strings.Repeat("z", limit)}
	if !slices.Equal(lines, want) {
		var lens []int
		for _, l := range lines {
			lens = append(lens, len(l))
		}
		t.Errorf("line lengths %v, want 6, 65536, 5, 65536, 65536", lens)
	}
	if got := ts.errors(ErrorLineTooLong); got != 3 {
		t.Errorf("line_too_long = %v, want 3", got)
	}
}

// An object deleted between the listing and the download is counted and
// skipped; the next one is read.
func TestObjectDeletedBetweenListAndGet(t *testing.T) {
	srv := s3test.Start(t, bucket)
	srv.Put(t, bucket, "a.log", []byte("a\n"))
	srv.Put(t, bucket, "b.log", []byte("b\n"))
	srv.Put(t, bucket, "c.log", []byte("c\n"))
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if isGet(r, "b.log") {
			srv.Delete(t, bucket, "b.log")
		}
		return false
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true})
	ts.waitDone(t, 3)
	lines, _ := ts.rec.snapshot()
	if !slices.Equal(lines, []string{"a", "c"}) {
		t.Errorf("lines %q, want a and c", lines)
	}
	if got := ts.errors(ErrorDeleted); got != 1 {
		t.Errorf("deleted = %v, want 1", got)
	}
}

// 500s on listings and downloads, a response that does not come within
// the request timeout and a body that stalls half way are retried (the
// stalled one resumed at the byte reached): every line is read once.
func TestServerErrorsAndSlowResponsesRetried(t *testing.T) {
	srv := s3test.Start(t, bucket)
	data := map[string][]byte{}
	for _, k := range []string{"a.log.gz", "b.log.gz", "c.log.gz", "d.log.gz"} {
		data[k] = s3test.Gzip(t, linesOf(k, 20000)...)
		srv.Put(t, bucket, k, data[k])
	}
	var mu sync.Mutex
	seen := map[string]int{}
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		what := r.Method + " " + r.URL.Path
		if r.URL.Query().Has("list-type") {
			what = "list"
		}
		seen[what]++
		n := seen[what]
		mu.Unlock()
		switch {
		case what == "list" && n <= 2, isGet(r, "a.log.gz") && n == 1:
			http.Error(w, "<Error><Code>InternalError</Code></Error>", http.StatusInternalServerError)
			return true
		case isGet(r, "b.log.gz") && n == 1: // no answer within the request timeout
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
			return true
		case isGet(r, "c.log.gz") && n == 1: // half the body, then nothing
			body := data["c.log.gz"]
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
			return true
		}
		return false
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true, RequestTimeout: 2 * time.Second, StallTimeout: time.Second})
	ts.waitDone(t, 4)
	lines, _ := ts.rec.snapshot()
	var want []string
	for _, k := range []string{"a.log.gz", "b.log.gz", "c.log.gz", "d.log.gz"} {
		want = append(want, linesOf(k, 20000)...)
	}
	if !slices.Equal(lines, want) {
		t.Errorf("%d lines, want %d, each once in order", len(lines), len(want))
	}
	for _, kind := range []string{ErrorGet, ErrorSkipped, ErrorGzip} {
		if got := ts.errors(kind); got != 0 {
			t.Errorf("%s errors = %v, want 0 (retried)", kind, got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["GET /"+bucket+"/c.log.gz"] < 2 || seen["GET /"+bucket+"/b.log.gz"] < 2 {
		t.Errorf("requests %v: the slow ones were not retried", seen)
	}
}

// An object that cannot be read at any poll (403) is skipped after
// objectAttempts polls; the objects after it are then read.
func TestObjectFailingEveryPollIsSkipped(t *testing.T) {
	srv := s3test.Start(t, bucket)
	srv.Put(t, bucket, "a.log", []byte("a\n"))
	srv.Put(t, bucket, "b.log", []byte("b\n"))
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if isGet(r, "a.log") {
			http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
			return true
		}
		return false
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true})
	done := ts.waitDone(t, 2)
	lines, _ := ts.rec.snapshot()
	if !slices.Equal(done, []string{"a.log", "b.log"}) || !slices.Equal(lines, []string{"b"}) {
		t.Errorf("done %q lines %q, want a skipped and b read", done, lines)
	}
	if got := ts.errors(ErrorGet); got != objectAttempts {
		t.Errorf("get errors = %v, want one per poll: %d", got, objectAttempts)
	}
	if got := ts.errors(ErrorSkipped); got != 1 {
		t.Errorf("skipped = %v, want 1", got)
	}
}

// Keys that are not valid UTF-8 neither crash nor stop the source.
func TestInvalidUTF8Keys(t *testing.T) {
	srv := s3test.Start(t, bucket)
	bad := "p/a-\xff\xfe-\xc0.log"
	srv.Put(t, bucket, bad, []byte("bad key\n"))
	srv.Put(t, bucket, "p/b.log", []byte("b\n"))
	var saved []string
	var mu sync.Mutex
	ts := startTestSource(t, srv, Options{Prefix: "p/", FromBeginning: true, Save: func(p Position) error {
		mu.Lock()
		defer mu.Unlock()
		saved = append(saved, p.LastKey)
		return nil
	}})
	done := ts.waitDone(t, 1)
	deadline := time.Now().Add(60 * time.Second)
	for !slices.Contains(done, "p/b.log") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		_, done = ts.rec.snapshot()
	}
	// Later polls do not list the bad key again (the server returns it
	// with U+FFFD, sorting before the stored key).
	requests := srv.Requests.Load()
	for srv.Requests.Load() < requests+5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	lines, done := ts.rec.snapshot()
	t.Logf("done %q, lines %q, saved %q", done, lines, saved)
	if len(done) != 2 || !slices.Contains(done, "p/b.log") || !slices.Contains(lines, "b") {
		t.Errorf("want the invalid key tried once and the object after it read: done %q lines %q", done, lines)
	}
	if got := ts.errors(ErrorDeleted) + ts.errors(ErrorGet); got > 1 {
		t.Errorf("deleted+get errors = %v, want at most 1", got)
	}
}
