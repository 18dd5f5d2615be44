package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// censusesKept bounds Governor.censuses: with sweeps every TTL/4 the census
// Sweep needs (the newest one at least a TTL old) is among the last 5.
const censusesKept = 16

// idleSweepEvery is how often the loop sweeps while expiry is off (TTL 0):
// only to delete what was pending when it was turned off.
const idleSweepEvery = time.Minute

// Sweep is one expiry pass; StartExpiry runs it every TTL/4. See the package
// comment for why expiry works this way. In order:
//
//  1. The series of the values that the previous sweep expired, and that no
//     source admitted again since, are deleted from m and counted in
//     label_values_expired_total. The time between two sweeps is the grace
//     period in which a source that still had them cached saw the new
//     generation and dropped them.
//  2. A label under pressure (it folded a value since the last sweep) gives
//     back the slots of its values that no source admitted since a census
//     at least a TTL old: no line used them since then. They stay pending,
//     series kept, until the next sweep.
//  3. If a label is full, or values were expired, this sweep is a census:
//     the generation changes, every source drops its cached series at its
//     next line and admits again the values it still uses, which marks
//     them in use and folds again what still finds no slot.
func (g *Governor) Sweep(m *Metrics) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	for label, lv := range g.labels {
		if len(lv.pending) > 0 {
			deleteSeriesWith(m.vecsWithLabel(label), label, lv.pending)
			m.LabelValuesExpired.WithLabelValues(label).Add(float64(len(lv.pending)))
			clear(lv.pending)
		}
	}
	census := false
	cutoff, haveCutoff := g.censusAtLeast(now, g.ttl)
	for _, lv := range g.labels {
		underPressure := lv.folded
		lv.folded = false
		if underPressure && g.ttl > 0 && haveCutoff {
			for v, last := range lv.admitted {
				if last.Before(cutoff) {
					delete(lv.admitted, v)
					lv.pending[v] = struct{}{}
					census = true
				}
			}
		}
		if len(lv.admitted) >= g.limit {
			census = true
		}
	}
	if census && g.ttl > 0 {
		g.censuses = append(g.censuses, now)
		if len(g.censuses) > censusesKept {
			g.censuses = g.censuses[len(g.censuses)-censusesKept:]
		}
		g.gen.Add(1)
	}
}

// censusAtLeast returns the newest census at least age before now.
func (g *Governor) censusAtLeast(now time.Time, age time.Duration) (time.Time, bool) {
	for i := len(g.censuses) - 1; i >= 0; i-- {
		if now.Sub(g.censuses[i]) >= age {
			return g.censuses[i], true
		}
	}
	return time.Time{}, false
}

// sweepEvery is the time between two sweeps.
func (g *Governor) sweepEvery() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ttl <= 0 {
		return idleSweepEvery
	}
	return g.ttl / 4
}

// deleteSeriesWith deletes from vecs every series whose label has one of
// values. One pass over each vector, whatever the number of values
// (DeletePartialMatch would scan the vector once per value).
func deleteSeriesWith(vecs []seriesVec, label string, values map[string]struct{}) {
	for _, vec := range vecs {
		var doomed []prometheus.Labels
		ch := make(chan prometheus.Metric, 64)
		go func() { vec.Collect(ch); close(ch) }()
		for metric := range ch { // collect first: Delete waits for Collect's lock
			var pb dto.Metric
			if metric.Write(&pb) != nil {
				continue
			}
			labels := prometheus.Labels{}
			for _, lp := range pb.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			if _, ok := values[labels[label]]; ok {
				doomed = append(doomed, labels)
			}
		}
		for _, l := range doomed {
			vec.Delete(l)
		}
	}
}

// expiryLoop is the goroutine that sweeps.
type expiryLoop struct{ stop, done chan struct{} }

// StartExpiry starts sweeping every TTL/4, deleting expired series from m.
// The collector calls it once, and StopExpiry when it closes.
func (g *Governor) StartExpiry(m *Metrics) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.expiry != nil {
		return
	}
	loop := &expiryLoop{stop: make(chan struct{}), done: make(chan struct{})}
	g.expiry = loop
	go func() {
		defer close(loop.done)
		for {
			t := time.NewTimer(g.sweepEvery())
			select {
			case <-loop.stop:
				t.Stop()
				return
			case <-t.C:
				g.Sweep(m)
			}
		}
	}()
}

// StopExpiry stops the sweeping goroutine and waits for it.
func (g *Governor) StopExpiry() {
	g.mu.Lock()
	loop := g.expiry
	g.expiry = nil
	g.mu.Unlock()
	if loop != nil {
		close(loop.stop)
		<-loop.done
	}
}
