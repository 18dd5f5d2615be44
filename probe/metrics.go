package probe

import (
	"cmp"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	descSuccess = prometheus.NewDesc("badgateway_probe_success",
		"1 if the last probe of this upstream passed.", []string{"upstream", "group", "proxy"}, nil)
	descDuration = prometheus.NewDesc("badgateway_probe_duration_seconds",
		"Phase durations of the last probe of this upstream.", []string{"upstream", "phase"}, nil)
	descFailures = prometheus.NewDesc("badgateway_probe_failures_total",
		"Failed probes, by cause (the same causes as the log metrics).", []string{"upstream", "cause"}, nil)
	descStatus = prometheus.NewDesc("badgateway_probe_http_status_code",
		"HTTP status of the last HTTP probe of this upstream (0 when none).", []string{"upstream"}, nil)
	descLastRun = prometheus.NewDesc("badgateway_probe_last_run_timestamp_seconds",
		"When this upstream was last probed.", []string{"upstream"}, nil)
	descCertExpiry = prometheus.NewDesc("badgateway_probe_tls_cert_expiry_timestamp_seconds",
		"End of validity of the certificate the upstream presented in its last TLS probe.", []string{"upstream"}, nil)
)

// Describe implements prometheus.Collector.
func (s *Scheduler) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSuccess, descDuration, descFailures, descStatus, descLastRun, descCertExpiry} {
		ch <- d
	}
}

type snapshotRow struct {
	key    string
	target Target
	result Result
}

// snapshot copies the latest results, sorted by upstream then group, and
// the failure counters, under the read lock.
func (s *Scheduler) snapshot() ([]snapshotRow, map[failureKey]uint64) {
	s.mu.RLock()
	rows := make([]snapshotRow, 0, len(s.entries))
	for _, e := range s.entries {
		for _, r := range e.results {
			rows = append(rows, snapshotRow{e.key, e.target, r})
		}
	}
	failures := make(map[failureKey]uint64, len(s.failures))
	for k, v := range s.failures {
		failures[k] = v
	}
	s.mu.RUnlock()
	slices.SortFunc(rows, func(a, b snapshotRow) int {
		return cmp.Or(cmp.Compare(a.result.Upstream, b.result.Upstream),
			cmp.Compare(a.target.Group, b.target.Group), cmp.Compare(a.target.Proxy, b.target.Proxy),
			cmp.Compare(a.key, b.key))
	})
	return rows, failures
}

// Collect implements prometheus.Collector. It only reads the latest
// results: a scrape never starts a probe. An upstream reached through
// several targets (the same peer in two upstream blocks, or under two
// modules) is exported once per label set, from the first target in sort
// order.
//
// Upstream and group names come from proxy configurations, which may hold
// any bytes: label values are made valid UTF-8 (U+FFFD for invalid bytes),
// or a single bad name would fail every scrape.
func (s *Scheduler) Collect(ch chan<- prometheus.Metric) {
	rows, failures := s.snapshot()
	seenSuccess := map[[3]string]bool{}
	seenUpstream := map[string]bool{}
	for _, row := range rows {
		r, t := row.result, row.target
		r.Upstream = validLabel(r.Upstream)
		if k := [3]string{r.Upstream, t.Group, t.Proxy}; !seenSuccess[k] {
			seenSuccess[k] = true
			ch <- prometheus.MustNewConstMetric(descSuccess, prometheus.GaugeValue, boolValue(r.Success), r.Upstream, validLabel(t.Group), validLabel(t.Proxy))
		}
		if seenUpstream[r.Upstream] {
			continue
		}
		seenUpstream[r.Upstream] = true
		for p := PhaseResolve; p < NumPhases; p++ {
			ch <- prometheus.MustNewConstMetric(descDuration, prometheus.GaugeValue, r.Phases[p].Seconds(), r.Upstream, p.String())
		}
		ch <- prometheus.MustNewConstMetric(descLastRun, prometheus.GaugeValue, float64(r.Start.UnixNano())/1e9, r.Upstream)
		if t.Module == ModuleHTTP {
			ch <- prometheus.MustNewConstMetric(descStatus, prometheus.GaugeValue, float64(r.StatusCode), r.Upstream)
		}
		if !r.CertNotAfter.IsZero() {
			ch <- prometheus.MustNewConstMetric(descCertExpiry, prometheus.GaugeValue, float64(r.CertNotAfter.Unix()), r.Upstream)
		}
	}
	for k, v := range failures {
		ch <- prometheus.MustNewConstMetric(descFailures, prometheus.CounterValue, float64(v), validLabel(k.upstream), k.cause)
	}
}

// validLabel replaces invalid UTF-8 in a label value; a valid one is
// returned as it is, without allocating.
func validLabel(v string) string { return strings.ToValidUTF8(v, "\uFFFD") }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
