package collector

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
)

// OtherValue replaces a label value once the label has reached its limit.
const OtherValue = "__other__"

// Admission says what Admit did to a label value besides bounding it.
type Admission uint8

// The bits of an Admission.
const (
	Folded      Admission = 1 << iota // the label is full: the value became OtherValue
	InvalidUTF8                       // invalid bytes were replaced with U+FFFD
	TooLong                           // the value was cut to max_label_value_bytes
)

// Governor is the single choke point of log-derived label values
// (upstream, server, path): every such value goes through Admit before it
// reaches a metric. It makes the value valid UTF-8, caps its length and
// bounds the number of distinct values per label, folding the rest into
// OtherValue. Values that stop being used give their slot back under the
// rules of the package comment (see Sweep). Safe for concurrent use.
type Governor struct {
	mu       sync.Mutex
	limit    int
	maxBytes atomic.Int64  // read outside mu: sanitising a long value takes a while
	ttl      time.Duration // 0: values never expire
	now      func() time.Time
	labels   map[string]*labelValues
	folded   *prometheus.CounterVec

	// gen changes when sources must drop their cached series: values
	// expired, or a census (see Sweep) needs to see which are in use.
	gen      atomic.Uint64
	censuses []time.Time // when gen changed, oldest first (the last few)
	expiry   *expiryLoop // the sweeping goroutine, while it runs
}

// labelValues are the admitted values of one label.
type labelValues struct {
	admitted map[string]time.Time // value → when a source last admitted it
	pending  map[string]struct{}  // expired by the last sweep: deleted by the next unless admitted again
	folded   bool                 // a value was folded since the last sweep: the label is under pressure
}

// NewGovernor creates a governor allowing limit values per label, with the
// default length cap and idle TTL (see SetLimits).
func NewGovernor(limit int, folded *prometheus.CounterVec) *Governor {
	g := &Governor{
		limit: limit, ttl: config.DefaultLabelValueTTL,
		now: time.Now, labels: map[string]*labelValues{}, folded: folded,
	}
	g.maxBytes.Store(config.DefaultMaxLabelValueBytes)
	return g
}

// SetLimit changes the per-label limit. Values already admitted stay (their
// series exist); past the new limit, idle ones expire under pressure.
func (g *Governor) SetLimit(limit int) {
	g.mu.Lock()
	g.limit = limit
	g.mu.Unlock()
}

// Limit is the number of distinct values a label may take.
func (g *Governor) Limit() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}

// SetLimits applies the configured limits. A shorter length cap applies to
// values admitted from then on.
func (g *Governor) SetLimits(l config.Limits) {
	g.mu.Lock()
	g.limit, g.ttl = l.MaxValuesPerLabel, l.LabelValueTTL
	g.maxBytes.Store(int64(l.MaxLabelValueBytes))
	g.mu.Unlock()
}

// Admit returns what label may carry for the raw value from a log: raw
// itself, or raw made valid UTF-8 and cut to the length cap, or OtherValue
// when the label is full. It counts nothing: the caller counts each
// increment of a folded or sanitised value (see labeler).
//
// Admit is the slow path of a source, taken when a label tuple is not in
// its series cache; the caller must also drop that cache when Generation
// changes.
func (g *Governor) Admit(label string, raw []byte) (string, Admission) {
	value, how := sanitizeLabelValue(raw, int(g.maxBytes.Load()))
	g.mu.Lock()
	defer g.mu.Unlock()
	lv := g.labels[label]
	if lv == nil {
		lv = &labelValues{admitted: map[string]time.Time{}, pending: map[string]struct{}{}}
		g.labels[label] = lv
	}
	now := g.now()
	if _, ok := lv.admitted[value]; ok {
		lv.admitted[value] = now
		return value, how
	}
	if len(lv.admitted) >= g.limit {
		lv.folded = true
		return OtherValue, how | Folded
	}
	lv.admitted[value] = now
	delete(lv.pending, value) // expired but still in use: its series were kept
	return value, how
}

// Generation changes whenever sources must drop the series they cached:
// one atomic load, checked before a source uses its cache for a line.
func (g *Governor) Generation() uint64 { return g.gen.Load() }

// Folded is the counter of folded increments for label.
func (g *Governor) Folded(label string) prometheus.Counter {
	return g.folded.WithLabelValues(label)
}
