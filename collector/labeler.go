package collector

import "github.com/prometheus/client_golang/prometheus"

// labeler admits the label values of one source's series and tells the
// source when its cached series went stale. Used by one goroutine at a time.
type labeler struct {
	m   *Metrics
	gov *Governor
	gen uint64 // the governor's generation the source's cache belongs to
}

func newLabeler(m *Metrics, gov *Governor) labeler {
	return labeler{m: m, gov: gov, gen: gov.Generation()}
}

// stale reports, once per change, that the governor's generation changed:
// the source must drop every series it cached before using one again.
func (l *labeler) stale() bool {
	g := l.gov.Generation()
	if g == l.gen {
		return false
	}
	l.gen = g
	return true
}

// admit bounds a label value for series s, adding to s the counters of
// what was done to the value (folded, sanitised), so that each increment
// of s counts it.
func (l *labeler) admit(s *series, label string, raw []byte) string {
	v, how := l.gov.Admit(label, raw)
	s.extra = append(s.extra, l.admissionCounters(label, how)...)
	return v
}

// admissionCounters are the counters of what Admit did to a value.
func (l *labeler) admissionCounters(label string, how Admission) []prometheus.Counter {
	if how == 0 {
		return nil
	}
	var cs []prometheus.Counter
	if how&Folded != 0 {
		cs = append(cs, l.gov.Folded(label))
	}
	if how&InvalidUTF8 != 0 {
		cs = append(cs, l.m.LabelValuesSanitized.WithLabelValues(label, "invalid_utf8"))
	}
	if how&TooLong != 0 {
		cs = append(cs, l.m.LabelValuesSanitized.WithLabelValues(label, "too_long"))
	}
	return cs
}

// statusLabel bounds a status label: three digits, or "" when none was
// sent; anything else (a format whose $status field holds other text) is
// folded into __other__.
func (l *labeler) statusLabel(s *series, status []byte) string {
	if len(status) == 0 || (len(status) == 3 && isDigit(status[0]) && isDigit(status[1]) && isDigit(status[2])) {
		return string(status)
	}
	s.extra = append(s.extra, l.gov.Folded("status"))
	return OtherValue
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
