package tailer

// The exporter's throughput requirement, measured end to end through the
// real goroutine driver (Follow, fsnotify wake-up, batched reads): 1,000,000
// ~250-byte nginx error-log lines appended in one write, counted by a
// handler, optionally spending the classifier's ~200 ns per line. Compare
// with BenchmarkNxadmTailFile (nxadm_bench_test.go).

import (
	"log/slog"
	"testing"
	"time"
)

// countingHandler counts lines, spending cost on each, and closes done at want.
type countingHandler struct {
	cost   time.Duration
	n      int
	want   int
	opened chan struct{}
	done   chan struct{}
}

func (h *countingHandler) Line([]byte) {
	spin(h.cost)
	if h.n++; h.n == h.want {
		close(h.done)
	}
}

func (h *countingHandler) Event(ev Event) {
	if ev.Kind == Opened {
		close(h.opened)
	}
}

func BenchmarkTailer(b *testing.B) {
	for _, cc := range classifierCases {
		b.Run(cc.name, func(b *testing.B) { benchTailer(b, cc.cost) })
	}
}

func benchTailer(b *testing.B, cost time.Duration) {
	b.ReportAllocs()
	var elapsed time.Duration
	var peak float64
	for b.Loop() {
		b.StopTimer()
		path := newBenchFile(b)
		w := startWriter(b, path, benchLines)
		h := &countingHandler{cost: cost, want: benchLines, opened: make(chan struct{}), done: make(chan struct{})}
		t, err := Follow(Options{Path: path, Logger: slog.New(slog.DiscardHandler)}, h)
		if err != nil {
			b.Fatal(err)
		}
		<-h.opened
		resetPeakRSS()
		b.StartTimer()

		t0 := time.Now()
		w.fire(b)
		<-h.done
		elapsed += time.Since(t0)

		b.StopTimer()
		peak = max(peak, peakRSSMiB())
		w.wait(b)
		removeBenchFile(b, path)
		if err := t.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchLines)/elapsed.Seconds(), "lines/s")
	b.ReportMetric(peak, "peak-RSS-MiB")
}
