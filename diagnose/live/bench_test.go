package live

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkComputeFullRing: one computation of the page with the ring
// full (61 samples) of the series cap of errors and requests.
func BenchmarkComputeFullRing(b *testing.B) {
	w := newWorld()
	clk := &fakeClock{t: t0}
	p := New(Options{Gatherer: w.reg, Now: clk.now})
	for m := range DefaultKeep {
		for i := range DefaultMaxSeries {
			up := fmt.Sprintf("10.0.%d.%d:80", i/250, i%250)
			w.errs.WithLabelValues("nginx", "connection_refused", up, "s").Add(float64(m % 3))
			w.reqs.WithLabelValues("nginx", "s", up, "502").Add(1)
		}
		clk.add(time.Minute)
		p.Sample()
	}
	b.ReportAllocs()
	for b.Loop() {
		p.compute()
	}
}
