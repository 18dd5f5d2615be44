package s3source

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// blockingRecorder records lines and blocks at line `at` until released.
type blockingRecorder struct {
	recorder
	at      int
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func (r *blockingRecorder) Line(line []byte) {
	r.recorder.Line(line)
	r.mu.Lock()
	n := len(r.lines)
	r.mu.Unlock()
	if n == r.at {
		r.once.Do(func() { close(r.reached) })
		<-r.release
	}
}

// A source closed in the middle of an object (a reload) and replaced by
// one started with its LastKey and Partial hands every line once.
func TestCloseMidObjectThenPartialHandsEachLineOnce(t *testing.T) {
	srv := s3test.Start(t, bucket)
	keys := []string{"a.log.gz", "b.log.gz"}
	var want []string
	for _, k := range keys {
		lines := linesOf(k, 20000) // several batches
		want = append(want, lines...)
		srv.Put(t, bucket, k, s3test.Gzip(t, lines...))
	}
	client, err := NewClient(context.Background(), ClientConfig{Endpoint: srv.URL, ForcePathStyle: true, HTTPClient: s3test.LoopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(prometheus.NewRegistry())
	first := &blockingRecorder{at: 25000, reached: make(chan struct{}), release: make(chan struct{})}
	opts := Options{Bucket: bucket, PollInterval: 100 * time.Millisecond, FromBeginning: true, Metrics: m, MaxConcurrency: 2}
	s1 := Start(client, opts, first)
	select {
	case <-first.reached:
	case <-time.After(60 * time.Second):
		t.Fatal("line 25000 never handed over")
	}
	closed := make(chan struct{})
	go func() { s1.Close(); close(closed) }()
	close(first.release)
	<-closed
	partial := s1.Partial()
	t.Logf("closed at %q, partial %+v", s1.LastKey(), partial)

	opts.Start, opts.Resume, opts.Partial = s1.Position(), true, partial
	second := startTestSource(t, srv, opts)
	second.waitDone(t, len(keys)-len(first.done))
	lines1, _ := first.snapshot()
	lines2, _ := second.rec.snapshot()
	if got := append(lines1, lines2...); !slices.Equal(got, want) {
		t.Errorf("%d + %d lines handed over, want %d, each once, in order", len(lines1), len(lines2), len(want))
	}
}
