// Package live turns the running exporter's own state into diagnose
// findings for its /diagnose page: the counters it exports (upstream
// errors, probe failures, requests by status), read through its
// prometheus.Gatherer into a bounded ring of samples so that increases
// over the last 5, 15 and 60 minutes are known, and the probe scheduler's
// latest results and its list of upstreams that cannot be probed.
//
// It never reads logs and never probes: it only reads what the exporter
// already has, at most once per interval however often the page is
// requested, and takes nothing from the request but the output format.
package live

import (
	"fmt"
	"time"
	"unique"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Kind says which counter a series belongs to.
type Kind uint8

// The counters the page reads.
const (
	KindError        Kind = iota // badgateway_upstream_errors_total
	KindProbeFailure             // badgateway_probe_failures_total
	KindRequest                  // badgateway_requests_total
	numKinds
)

var kindMetric = [numKinds]string{
	KindError:        "badgateway_upstream_errors_total",
	KindProbeFailure: "badgateway_probe_failures_total",
	KindRequest:      "badgateway_requests_total",
}

// Series names one counter series. Label is the cause (errors, probe
// failures) or the status (requests).
type Series struct {
	Kind                    Kind
	Proxy, Server, Upstream string
	Label                   string
}

// key is a Series interned: the samples of the ring share one copy of
// each series' strings, and a key is one word.
type key = unique.Handle[Series]

// Sample is the value of every series at one time.
type Sample struct {
	Time   time.Time
	Values map[key]float64
	// Truncated is set when a counter had more series than the cap: some
	// were left out, so a series missing here may still exist.
	Truncated bool
}

// DefaultMaxSeries caps the series kept per counter in one sample. The
// label governor already bounds label values; this bounds the ring's
// memory whatever the limits are: 61 samples of 3 × 2,000 series.
const DefaultMaxSeries = 2000

// readSample gathers g and keeps the series of the three counters, at most
// maxSeries of each (in the Gatherer's order, which is sorted by labels).
// A Gatherer error with families is reported along with the sample read
// from them.
func readSample(g prometheus.Gatherer, maxSeries int, now time.Time) (Sample, error) {
	fams, err := g.Gather()
	if err != nil {
		err = fmt.Errorf("gathering the exporter's metrics: %w", err)
		if len(fams) == 0 {
			return Sample{Time: now, Truncated: true}, err
		}
	}
	s := Sample{Time: now, Values: map[key]float64{}}
	for _, f := range fams {
		kind, ok := kindOf(f.GetName())
		if !ok {
			continue
		}
		n := 0
		for _, m := range f.GetMetric() {
			if m.GetCounter() == nil {
				continue
			}
			if n == maxSeries {
				s.Truncated = true
				break
			}
			n++
			s.Values[unique.Make(seriesOf(kind, m))] += m.GetCounter().GetValue()
		}
	}
	return s, err
}

func kindOf(name string) (Kind, bool) {
	for k, n := range kindMetric {
		if n == name {
			return Kind(k), true
		}
	}
	return 0, false
}

func seriesOf(kind Kind, m *dto.Metric) Series {
	s := Series{Kind: kind}
	for _, lp := range m.GetLabel() {
		switch v := lp.GetValue(); lp.GetName() {
		case "proxy":
			s.Proxy = v
		case "server":
			s.Server = v
		case "upstream":
			s.Upstream = v
		case "cause", "status":
			s.Label = v
		}
	}
	return s
}
