package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// sourceStats are the self-metrics of one log source: a file, or a syslog
// listener (path="syslog://ADDR"). Used by one goroutine at a time.
type sourceStats struct {
	m        *Metrics
	path     string
	lines    [3]prometheus.Counter // by logparse.Result
	lastLine prometheus.Gauge
	unread   bool // lines counted since lastLine was set
	now      func() time.Time
}

func newSourceStats(path string, m *Metrics, gov *Governor) sourceStats {
	pathLabel, folded := gov.Admit("path", path)
	if folded {
		gov.Folded("path").Inc()
	}
	s := sourceStats{m: m, path: pathLabel, now: time.Now}
	for _, r := range []logparse.Result{logparse.ResultUnrecognized, logparse.ResultIgnored, logparse.ResultClassified} {
		s.lines[r] = m.LogLines.WithLabelValues(pathLabel, r.String())
	}
	s.lastLine = m.LogLastLine.WithLabelValues(pathLabel)
	m.LogReadErrors.WithLabelValues(pathLabel)
	m.LogRotations.WithLabelValues(pathLabel)
	m.LogTruncations.WithLabelValues(pathLabel)
	return s
}

// counted records one line's result.
func (s *sourceStats) counted(r logparse.Result) {
	s.lines[r].Inc()
	s.unread = true
}

// caughtUp stamps the time of the last line read, once per batch.
func (s *sourceStats) caughtUp() {
	if s.unread {
		s.lastLine.Set(float64(s.now().UnixNano()) / 1e9)
		s.unread = false
	}
}

func (s *sourceStats) Rotated()   { s.m.LogRotations.WithLabelValues(s.path).Inc() }
func (s *sourceStats) Truncated() { s.m.LogTruncations.WithLabelValues(s.path).Inc() }
func (s *sourceStats) ReadError() { s.m.LogReadErrors.WithLabelValues(s.path).Inc() }
