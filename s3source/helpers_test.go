package s3source

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

const bucket = "lb-logs"

// recorder is a Handler that keeps what it was given.
type recorder struct {
	mu    sync.Mutex
	lines []string
	done  []string
}

func (r *recorder) Line(line []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, string(line))
}

func (r *recorder) ObjectDone(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = append(r.done, key)
}

func (r *recorder) snapshot() (lines, done []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines), slices.Clone(r.done)
}

// testSource is a source reading the loopback server, and what it gave.
type testSource struct {
	*Source
	rec *recorder
	m   *Metrics
}

func startTestSource(t testing.TB, srv *s3test.Server, opts Options) *testSource {
	t.Helper()
	client, err := NewClient(context.Background(), ClientConfig{Endpoint: srv.URL, ForcePathStyle: true, HTTPClient: s3test.LoopbackOnly(t), RetryMaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Bucket == "" {
		opts.Bucket = bucket
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = 100 * time.Millisecond
	}
	if opts.RetryPause == 0 {
		opts.RetryPause = 10 * time.Millisecond
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	ts := &testSource{rec: &recorder{}, m: opts.Metrics}
	ts.Source = Start(client, opts, ts.rec)
	t.Cleanup(ts.Close)
	return ts
}

// waitDone waits until n objects are done.
func (ts *testSource) waitDone(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, done := ts.rec.snapshot()
		if len(done) >= n {
			return done
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d objects done after 60s, want %d: %q", len(done), n, done)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (ts *testSource) errors(kind string) float64 {
	return testutil.ToFloat64(ts.m.Errors.WithLabelValues(ts.opts.Name, kind))
}

func (ts *testSource) objects() float64 {
	return testutil.ToFloat64(ts.m.Objects.WithLabelValues(ts.opts.Name))
}

// linesOf are n distinct lines of an object.
func linesOf(key string, n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("%s line %d", key, i)
	}
	return lines
}

func albKey(day, hhmm, node string) string {
	return fmt.Sprintf("AWSLogs/123456789012/elasticloadbalancing/eu-west-1/%s/123456789012_elasticloadbalancing_eu-west-1_app.web.50dc6c495c0c9188_%sT%sZ_%s_2et2e1mx.log.gz",
		day, dayStamp(day), hhmm, node)
}

func dayStamp(day string) string { return day[0:4] + day[5:7] + day[8:10] }
