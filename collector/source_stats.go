package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// SourceStats are the self-metrics of one log source: a file, or a syslog
// listener (path="syslog://ADDR"). Used by one goroutine at a time.
type SourceStats struct {
	m        *Metrics
	rawPath  string // as configured or matched; path is its governed label value
	path     string
	labels   labeler
	lines    [3]prometheus.Counter // by logparse.Result
	lastLine prometheus.Gauge
	unread   bool             // lines counted since lastLine was set
	Now      func() time.Time // the clock of the last-line time (time.Now)
}

// NewSourceStats resolves the self-metrics of the source named path.
func NewSourceStats(path string, m *Metrics, gov *Governor) SourceStats {
	s := SourceStats{m: m, rawPath: path, labels: newLabeler(m, gov), Now: time.Now}
	s.resolve()
	return s
}

// resolve admits the path label (counting, once per admission, what was
// done to it) and resolves the source's series.
func (s *SourceStats) resolve() {
	pathLabel, how := s.labels.gov.Admit("path", []byte(s.rawPath))
	for _, c := range s.labels.admissionCounters("path", how) {
		c.Inc()
	}
	s.path = pathLabel
	for _, r := range []logparse.Result{logparse.ResultUnrecognized, logparse.ResultIgnored, logparse.ResultClassified} {
		s.lines[r] = s.m.LogLines.WithLabelValues(pathLabel, r.String())
	}
	s.lastLine = s.m.LogLastLine.WithLabelValues(pathLabel)
	s.m.LogReadErrors.WithLabelValues(pathLabel)
	s.m.LogRotations.WithLabelValues(pathLabel)
	s.m.LogTruncations.WithLabelValues(pathLabel)
}

// current resolves the series again if the governor expired values since:
// called before any of them is used.
func (s *SourceStats) current() {
	if s.labels.stale() {
		s.resolve()
	}
}

// Counted records one line's result.
func (s *SourceStats) Counted(r logparse.Result) {
	s.current()
	s.lines[r].Inc()
	s.unread = true
}

// CaughtUp stamps the time of the last line read, once per batch.
func (s *SourceStats) CaughtUp() {
	if s.unread {
		s.current()
		s.lastLine.Set(float64(s.Now().UnixNano()) / 1e9)
		s.unread = false
	}
}

// Stamp sets the time of the last line read to now.
func (s *SourceStats) Stamp() {
	s.unread = true
	s.CaughtUp()
}

// Path is the source's path label value, as the governor admitted it.
func (s *SourceStats) Path() string {
	s.current()
	return s.path
}

// Rotated, Truncated and ReadError count what happened to the source.
func (s *SourceStats) Rotated()   { s.current(); s.m.LogRotations.WithLabelValues(s.path).Inc() }
func (s *SourceStats) Truncated() { s.current(); s.m.LogTruncations.WithLabelValues(s.path).Inc() }
func (s *SourceStats) ReadError() { s.current(); s.m.LogReadErrors.WithLabelValues(s.path).Inc() }
