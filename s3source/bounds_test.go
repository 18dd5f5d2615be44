package s3source

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// Downloads overlap, but never more than MaxConcurrency at once; objects
// are still handed over in key order.
func TestDownloadsBoundedByMaxConcurrency(t *testing.T) {
	srv := s3test.Start(t, bucket)
	var keys []string
	for i := range 12 {
		k := "p/" + padded(i) + ".log"
		keys = append(keys, k)
		srv.Put(t, bucket, k, []byte(k+"\n"))
	}
	var inflight, peak atomic.Int64
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || r.URL.Query().Has("list-type") {
			return false
		}
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(50 * time.Millisecond) // hold the download so that others overlap it
		return false
	})
	ts := startTestSource(t, srv, Options{Prefix: "p/", FromBeginning: true, MaxConcurrency: 3})
	done := ts.waitDone(t, len(keys))
	if strings.Join(done, ",") != strings.Join(keys, ",") {
		t.Errorf("done %q, want key order", done)
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("at most %d downloads at once, want 2 or 3 (max_concurrency 3)", p)
	}
}

// A gzip bomb (256 MiB of one endless line, 256 KiB compressed) streams
// through: one cut line, and the heap never holds the object.
func TestGzipBombStreamsInBoundedMemory(t *testing.T) {
	srv := s3test.Start(t, bucket)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for range 256 {
		zw.Write(chunk)
	}
	zw.Write([]byte("\nafter\n"))
	zw.Close()
	srv.Put(t, bucket, "bomb.log.gz", buf.Bytes())

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	ts := startTestSource(t, srv, Options{FromBeginning: true, MaxLineBytes: 64 << 10})
	ts.waitDone(t, 1)
	close(stop)
	wg.Wait()
	lines, _ := ts.rec.snapshot()
	if len(lines) != 2 || len(lines[0]) != 64<<10 || lines[1] != "after" {
		t.Errorf("%d lines, want the cut one and \"after\"", len(lines))
	}
	if p := peak.Load(); p > 64<<20 {
		t.Errorf("heap reached %d MiB reading a 256 MiB object", p>>20)
	}
}

// After Close no goroutine of the source is left: polling has stopped.
func TestCloseStopsEveryGoroutine(t *testing.T) {
	srv := s3test.Start(t, bucket)
	for i := range 20 {
		srv.Put(t, bucket, "p/"+padded(i)+".log.gz", s3test.Gzip(t, linesOf("x", 50000)...))
	}
	ts := startTestSource(t, srv, Options{Prefix: "p/", FromBeginning: true, MaxConcurrency: 4})
	ts.waitDone(t, 1) // downloads in flight, one object being handed over
	ts.Close()
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for _, fn := range []string{"s3source.(*Source).run", "s3source.(*Source).poll", "s3source.(*Source).fetch", "s3source.(*Source).list"} {
		if strings.Contains(stacks, fn) {
			t.Errorf("%s still running after Close", fn)
		}
	}
}
