package collector

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Sources increment their cached series from their own goroutines while
// sweeps expire and delete values: the count of every value in use stays
// exact. Between two sweeps each source reads at least one line, as it
// does in the TTL/4 between two real sweeps. Run with -race.
func TestExpiryConcurrentCountsExact(t *testing.T) {
	g, m, clock := newExpiryTest(t, 4)
	const sources, rounds = 3, 30
	busy := []string{"10.0.0.1:80", "10.0.0.2:80"}
	var (
		stop     atomic.Bool
		progress [sources]atomic.Int64
		fed      [sources][2]int64
		wg       sync.WaitGroup
	)
	for s := range sources {
		f := newErrorLogFile(fmt.Sprintf("/e%d.log", s), m, g)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load() && i < 10_000_000; i++ {
				b := i % 2
				f.Line(refusedFrom(busy[b]))
				fed[s][b]++
				if i%7 == 0 { // one-off values keep the label under pressure
					f.Line(refusedFrom(fmt.Sprintf("10.9.%d.%d:80", s, i)))
				}
				progress[s].Add(1)
			}
		}()
	}
	for range rounds {
		clock.advance(20 * time.Minute)
		g.Sweep(m)
		waitEverySourceReads(t, progress[:])
	}
	stop.Store(true)
	wg.Wait()
	for b, up := range busy {
		var want int64
		for s := range sources {
			want += fed[s][b]
		}
		if got := testutil.ToFloat64(refusedSeries(m, up)); got != float64(want) {
			t.Errorf("%s = %v, want %d", up, got, want)
		}
	}
	if got := testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")); got == 0 {
		t.Error("nothing expired: the test exercised nothing")
	}
}

// waitEverySourceReads waits until every source has read more lines.
func waitEverySourceReads(t *testing.T, progress []atomic.Int64) {
	t.Helper()
	start := make([]int64, len(progress))
	for i := range progress {
		start[i] = progress[i].Load()
	}
	deadline := time.Now().Add(10 * time.Second)
	for i := range progress {
		for progress[i].Load() <= start[i]+1 { // +1: a line begun before the sweep does not count
			if time.Now().After(deadline) {
				t.Fatalf("source %d read no line in 10 s", i)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
}
