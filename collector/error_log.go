package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// seriesCacheMax bounds a file's cache of resolved series; past it the cache
// is dropped and refilled (the governor bounds the series themselves).
const seriesCacheMax = 8192

// errorLogFile counts the lines of one nginx error log. It is used by one
// goroutine (the file's tail) only.
type errorLogFile struct {
	path   string
	m      *Metrics
	gov    *Governor
	parser logparse.NginxErrorParser
	emit   logparse.EmitFunc
	now    func() time.Time

	lines    [3]prometheus.Counter // by logparse.Result
	lastLine prometheus.Gauge
	unread   bool // lines counted since lastLine was set

	keyBuf []byte
	cache  map[string]series
}

// series is a resolved counter and the folded-label counters to bump with it.
type series struct {
	counter prometheus.Counter
	folded  []prometheus.Counter
}

func newErrorLogFile(path string, m *Metrics, gov *Governor) *errorLogFile {
	pathLabel, _ := gov.Admit("path", path)
	f := &errorLogFile{path: pathLabel, m: m, gov: gov, now: time.Now, cache: map[string]series{}}
	for _, r := range []logparse.Result{logparse.ResultUnrecognized, logparse.ResultIgnored, logparse.ResultClassified} {
		f.lines[r] = m.LogLines.WithLabelValues(pathLabel, r.String())
	}
	f.lastLine = m.LogLastLine.WithLabelValues(pathLabel)
	m.LogReadErrors.WithLabelValues(pathLabel)
	m.LogRotations.WithLabelValues(pathLabel)
	m.LogTruncations.WithLabelValues(pathLabel)
	f.emit = f.count
	return f
}

// Line classifies and counts one line.
func (f *errorLogFile) Line(line []byte) {
	r := f.parser.Parse(line, f.emit)
	f.lines[r].Inc()
	f.unread = true
}

// CaughtUp is called when everything written so far has been read: a record
// still open then will not get more lines.
func (f *errorLogFile) CaughtUp() {
	f.parser.Flush(f.emit)
	if f.unread {
		f.lastLine.Set(float64(f.now().UnixNano()) / 1e9)
		f.unread = false
	}
}

func (f *errorLogFile) Rotated()   { f.m.LogRotations.WithLabelValues(f.path).Inc() }
func (f *errorLogFile) Truncated() { f.m.LogTruncations.WithLabelValues(f.path).Inc() }
func (f *errorLogFile) ReadError() { f.m.LogReadErrors.WithLabelValues(f.path).Inc() }

// count adds one event to its series.
func (f *errorLogFile) count(ev *logparse.Event) {
	kind := byte('e')
	if ev.Cause == logparse.CauseMarkedDown {
		kind = 'h' // a consequence of earlier failures: a health event, not another error
	}
	f.keyBuf = append(f.keyBuf[:0], kind, byte(ev.Proxy), byte(ev.Cause))
	f.keyBuf = append(f.keyBuf, ev.Upstream...)
	f.keyBuf = append(f.keyBuf, 0)
	f.keyBuf = append(f.keyBuf, ev.Server...)
	s, ok := f.cache[string(f.keyBuf)] // no allocation for the lookup
	if !ok {
		s = f.resolve(kind, ev)
		if len(f.cache) >= seriesCacheMax {
			clear(f.cache)
		}
		f.cache[string(f.keyBuf)] = s
	}
	s.counter.Inc()
	for _, c := range s.folded {
		c.Inc()
	}
}

func (f *errorLogFile) resolve(kind byte, ev *logparse.Event) series {
	var s series
	upstream, foldedU := f.gov.Admit("upstream", string(ev.Upstream))
	if foldedU {
		s.folded = append(s.folded, f.gov.Folded("upstream"))
	}
	if kind == 'h' {
		s.counter = f.m.HealthEvents.WithLabelValues(ev.Proxy.String(), upstream, "down", ev.Cause.String())
		return s
	}
	server, foldedS := f.gov.Admit("server", string(ev.Server))
	if foldedS {
		s.folded = append(s.folded, f.gov.Folded("server"))
	}
	s.counter = f.m.UpstreamErrors.WithLabelValues(ev.Proxy.String(), ev.Cause.String(), upstream, server)
	return s
}
