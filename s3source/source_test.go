package s3source

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// Objects there before the start, uploaded while running and in the next
// day's folder are all read, in key order, every line once.
func TestReadsNewObjectsInKeyOrderAcrossDays(t *testing.T) {
	srv := s3test.Start(t, bucket)
	var want []string
	put := func(key string, n int) {
		lines := linesOf(key, n)
		srv.Put(t, bucket, key, s3test.Gzip(t, lines...))
	}
	before := []string{albKey("2026/12/01", "2350", "10.0.1.7"), albKey("2026/12/01", "2355", "10.0.1.7")}
	for _, k := range before {
		put(k, 300)
	}
	srv.Put(t, bucket, "elsewhere/x.log", []byte("not under the prefix\n"))
	ts := startTestSource(t, srv, Options{Prefix: "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/", FromBeginning: true, MaxConcurrency: 4})
	ts.waitDone(t, 2)
	running := []string{albKey("2026/12/02", "0000", "10.0.1.7"), albKey("2026/12/02", "0000", "10.0.2.9"), albKey("2026/12/02", "0005", "10.0.1.7"), albKey("2026/12/03", "0000", "10.0.1.7")}
	for i, k := range running {
		put(k, 1000+i) // more than a batch: several batches per object
	}
	keys := append(before, running...)
	for _, k := range keys {
		want = append(want, linesOf(k, 0)...)
	}
	done := ts.waitDone(t, len(keys))
	if !slices.Equal(done, keys) {
		t.Errorf("objects done:\n%q\nwant, in key order:\n%q", done, keys)
	}
	lines, _ := ts.rec.snapshot()
	var wantLines []string
	for i, k := range keys {
		n := 300
		if i >= 2 {
			n = 1000 + i - 2
		}
		wantLines = append(wantLines, linesOf(k, n)...)
	}
	if !slices.Equal(lines, wantLines) {
		t.Errorf("got %d lines, want %d in key order", len(lines), len(wantLines))
	}
	if got := ts.objects(); got != float64(len(keys)) {
		t.Errorf("objects_total = %v, want %d", got, len(keys))
	}
	if ts.LastKey() != keys[len(keys)-1] {
		t.Errorf("last key %q, want %q", ts.LastKey(), keys[len(keys)-1])
	}
}

// Without a saved position and from_beginning, what is in the bucket at
// the first start is history: only objects uploaded later are read.
func TestFirstStartSkipsExistingObjects(t *testing.T) {
	srv := s3test.Start(t, bucket)
	old := albKey("2026/12/01", "2350", "10.0.1.7")
	srv.Put(t, bucket, old, s3test.Gzip(t, "old"))
	saved := make(chan string, 10)
	ts := startTestSource(t, srv, Options{Save: func(p Position) error { saved <- p.LastKey; return nil }})
	if got := <-saved; got != old {
		t.Fatalf("first save %q, want the last existing key %q", got, old)
	}
	next := albKey("2026/12/01", "2355", "10.0.1.7")
	srv.Put(t, bucket, next, s3test.Gzip(t, "new"))
	ts.waitDone(t, 1)
	lines, done := ts.rec.snapshot()
	if !slices.Equal(done, []string{next}) || !slices.Equal(lines, []string{"new"}) {
		t.Errorf("done %q lines %q, want only the new object", done, lines)
	}
}

// Thousands of keys take several listing pages; each is read once.
func TestListingOfThousandsOfKeys(t *testing.T) {
	srv := s3test.Start(t, bucket)
	const n = 2500
	var keys []string
	for i := range n {
		k := strings.TrimSuffix(strings.Replace(albKey("2026/12/02", "0000", "10.0.1.7"), "_2et2e1mx", "_"+padded(i), 1), ".gz")
		keys = append(keys, k)
		srv.Put(t, bucket, k, []byte(k+"\n"))
	}
	slices.Sort(keys)
	var lists atomic.Int64
	srv.SetFault(func(_ http.ResponseWriter, r *http.Request) bool {
		if r.URL.Query().Has("list-type") {
			lists.Add(1)
		}
		return false
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true, MaxConcurrency: 8})
	done := ts.waitDone(t, n)
	if !slices.Equal(done, keys) {
		t.Fatalf("%d objects done, want %d in key order", len(done), n)
	}
	lines, _ := ts.rec.snapshot()
	if !slices.Equal(lines, keys) {
		t.Errorf("%d lines, want %d", len(lines), n)
	}
	if l := lists.Load(); l < 3 {
		t.Errorf("%d listing requests for %d keys, want pages of at most 1000", l, n)
	}
}

func padded(i int) string {
	d := []byte("0000")
	for j := 3; j >= 0; j-- {
		d[j] = byte('0' + i%10)
		i /= 10
	}
	return string(d)
}

// The position of an object is saved before the object counts in
// badgateway_s3_objects_total: whoever sees the metric grow and then kills
// the exporter (as TestEndToEndS3 does) gets no object read twice.
func TestPositionSavedBeforeObjectCounts(t *testing.T) {
	srv := s3test.Start(t, bucket)
	keys := []string{albKey("2026/12/01", "2350", "10.0.1.7"), albKey("2026/12/01", "2355", "10.0.1.7"), albKey("2026/12/02", "0000", "10.0.1.7")}
	for _, k := range keys {
		srv.Put(t, bucket, k, s3test.Gzip(t, linesOf(k, 10)...))
	}
	m := NewMetrics(prometheus.NewRegistry())
	var mu sync.Mutex
	var seen []float64 // objects_total when each position was saved
	ts := startTestSource(t, srv, Options{
		Prefix: "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/", FromBeginning: true, Metrics: m,
		Save: func(Position) error {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, testutil.ToFloat64(m.Objects))
			return nil
		},
	})
	ts.waitDone(t, len(keys))
	deadline := time.Now().Add(60 * time.Second)
	for ts.objects() != float64(len(keys)) {
		if time.Now().After(deadline) {
			t.Fatalf("objects_total = %v, want %d", ts.objects(), len(keys))
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < len(keys) {
		t.Fatalf("%d saves for %d objects", len(seen), len(keys))
	}
	for i, v := range seen[:len(keys)] {
		if v != float64(i) {
			t.Errorf("save %d happened with objects_total = %v: the object counted before its position was saved", i, v)
		}
	}
}
