package s3source

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// A server that ignores Range on a resumed download (200, the whole
// object) is not believed: no line is counted twice.
func TestResumeIgnoringRangeNotCountedTwice(t *testing.T) {
	srv := s3test.Start(t, bucket)
	data := s3test.Gzip(t, linesOf("c", 20000)...)
	srv.Put(t, bucket, "c.log.gz", data)
	var mu sync.Mutex
	gets := 0
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !isGet(r, "c.log.gz") {
			return false
		}
		if r.Header.Get("Range") != "" {
			r.Header.Del("Range") // the whole object, 200
			return false
		}
		mu.Lock()
		gets++
		first := gets == 1
		mu.Unlock()
		if !first {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		w.Write(data[:len(data)/2]) // then the connection is closed: short body
		return true
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true})
	ts.waitDone(t, 1)
	lines, _ := ts.rec.snapshot()
	if want := linesOf("c", 20000); !slices.Equal(lines, want) {
		t.Errorf("%d lines, want %d, each once in order", len(lines), len(want))
	}
}

// flakyBody returns its data together with a transport error, then the
// error alone.
type flakyBody struct {
	data []byte
	err  error
}

func (f *flakyBody) Read(p []byte) (int, error) {
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, f.err
}

func (f *flakyBody) Close() error { return nil }

// Bytes that come with a transport error are given without it: the error
// comes at the next call (where the download resumes), so a reader above
// does not take it for the stream's own (a corrupt gzip).
func TestReadBytesWithTransportErrorGivenFirst(t *testing.T) {
	s := &Source{logger: slog.New(slog.DiscardHandler), opts: Options{StallTimeout: time.Minute}, metrics: NewMetrics(prometheus.NewRegistry()).forSource("x")}
	reset := errors.New("connection reset")
	b := &objectBody{src: s, body: &flakyBody{data: []byte("abc"), err: reset}, cancel: func() {}}
	p := make([]byte, 10)
	if n, err := b.Read(p); n != 3 || err != nil {
		t.Fatalf("Read = %d, %v; want 3, nil", n, err)
	}
	b.src.opts.RetryPause = time.Millisecond
	b.ctx = context.Background()
	b.failures = readAttempts // no resume left: the error itself
	if n, err := b.Read(p); n != 0 || !errors.Is(err, reset) {
		t.Fatalf("second Read = %d, %v; want 0, %v", n, err, reset)
	}
}
