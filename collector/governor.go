package collector

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// OtherValue replaces a label value once the label has reached its limit.
const OtherValue = "__other__"

// Governor bounds the number of distinct values of each log-derived label
// (upstream, server, path). Values admitted once stay admitted, also when a
// reload lowers the limit: their series already exist.
type Governor struct {
	mu     sync.Mutex
	limit  int
	values map[string]map[string]struct{}
	folded *prometheus.CounterVec
}

// NewGovernor creates a governor allowing limit values per label.
func NewGovernor(limit int, folded *prometheus.CounterVec) *Governor {
	return &Governor{limit: limit, values: map[string]map[string]struct{}{}, folded: folded}
}

// SetLimit changes the per-label limit.
func (g *Governor) SetLimit(limit int) {
	g.mu.Lock()
	g.limit = limit
	g.mu.Unlock()
}

// Admit returns value if the label may carry it, OtherValue if not. It does
// not count the folding: the caller counts each folded increment with Folded.
func (g *Governor) Admit(label, value string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	set := g.values[label]
	if set == nil {
		set = map[string]struct{}{}
		g.values[label] = set
	}
	if _, ok := set[value]; ok {
		return value, false
	}
	if len(set) >= g.limit {
		return OtherValue, true
	}
	set[value] = struct{}{}
	return value, false
}

// Folded is the counter of folded increments for label.
func (g *Governor) Folded(label string) prometheus.Counter {
	return g.folded.WithLabelValues(label)
}
