package collector

import (
	"errors"
	"log/slog"
	"time"

	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

// mismatchLogEvery rate-limits the warning about lines that do not match
// their log_format: one per file per interval, with the count of the others.
const mismatchLogEvery = 10 * time.Second

// accessLogFile counts the requests and upstream attempts of one nginx
// access log. It is used by one goroutine (the file's tail) only.
type accessLogFile struct {
	sourceStats
	parser *nginxaccess.Parser
	rec    nginxaccess.Record
	server []byte // the configured `server` label for formats without $server_name/$host
	labels labeler
	logger *slog.Logger

	keyBuf   []byte
	requests map[string]*series // by server, upstream, status, generated
	attempts map[string]*series // by upstream, status

	lastWarn   time.Time
	suppressed int
	guard      lineGuard
}

func newAccessLogFile(path string, parser *nginxaccess.Parser, server string, m *Metrics, gov *Governor, logger *slog.Logger) *accessLogFile {
	return &accessLogFile{
		sourceStats: newSourceStats(path, m, gov), parser: parser, server: []byte(server), labels: newLabeler(m, gov),
		logger: logger, requests: map[string]*series{}, attempts: map[string]*series{},
		guard: newLineGuard(panicSourceNginxAccess, path, m, logger),
	}
}

// Line parses and counts one access-log line.
func (f *accessLogFile) Line(line []byte) {
	defer f.recoverLine(line)
	if f.labels.stale() {
		clear(f.requests)
		clear(f.attempts)
	}
	if err := f.parser.Parse(line, &f.rec); err != nil {
		f.warnMismatch(err)
		f.counted(logparse.ResultUnrecognized)
		return
	}
	server := f.rec.ServerName
	if len(server) == 0 {
		server = f.server
	}
	f.request(server, f.rec.LastUpstream(), f.rec.Status, f.rec.Generated)
	for i := range f.rec.Attempts {
		f.attempt(&f.rec.Attempts[i])
	}
	f.counted(logparse.ResultClassified) // last: a line that panics is counted once, as unrecognized
}

// recoverLine is deferred around the handling of one line; see recover.go.
func (f *accessLogFile) recoverLine(line []byte) {
	if r := recover(); r != nil {
		f.guard.recovered(r, line)
		f.counted(logparse.ResultUnrecognized)
		f.rec = nginxaccess.Record{}
	}
}

// CaughtUp stamps the last-line time.
func (f *accessLogFile) CaughtUp() { f.caughtUp() }

func (f *accessLogFile) request(server, upstream, status []byte, generated bool) {
	b := append(f.keyBuf[:0], server...)
	b = append(append(b, 0), upstream...)
	b = append(append(b, 0), status...)
	if generated {
		b = append(b, 0, 'g')
	}
	f.keyBuf = b
	s, ok := f.requests[string(b)]
	if !ok {
		s = &series{}
		srv := f.labels.admit(s, "server", server)
		up := f.labels.admit(s, "upstream", upstream)
		st := f.labels.statusLabel(s, status)
		s.counters = append(s.counters, f.m.Requests.WithLabelValues("nginx", srv, up, st))
		if generated && len(status) == 3 && status[0] == '5' {
			s.counters = append(s.counters, f.m.GeneratedResponses.WithLabelValues("nginx", srv, up, st))
		}
		cacheSeries(f.requests, b, s)
	}
	s.inc()
}

func (f *accessLogFile) attempt(a *nginxaccess.UpstreamAttempt) {
	b := append(f.keyBuf[:0], a.Upstream...)
	b = append(append(b, 0), a.Status...)
	f.keyBuf = b
	s, ok := f.attempts[string(b)]
	if !ok {
		s = &series{}
		up := f.labels.admit(s, "upstream", a.Upstream)
		s.counters = append(s.counters, f.m.UpstreamAttempts.WithLabelValues("nginx", up, f.labels.statusLabel(s, a.Status)))
		s.observer = f.m.UpstreamResponse.WithLabelValues("nginx", up)
		cacheSeries(f.attempts, b, s)
	}
	s.inc()
	if a.ResponseSeconds >= 0 {
		s.observer.Observe(a.ResponseSeconds)
	}
}

// warnMismatch logs a line that does not match the format, at most once per
// mismatchLogEvery, naming the variable where matching failed.
func (f *accessLogFile) warnMismatch(err error) {
	now := f.now()
	if now.Sub(f.lastWarn) < mismatchLogEvery {
		f.suppressed++
		return
	}
	var mm *nginxaccess.LogFormatMismatch
	attrs := []any{"path", f.path, "err", err, "similar_lines_not_logged", f.suppressed}
	if errors.As(err, &mm) {
		attrs = append(attrs, "variable", mm.Variable, "offset", mm.Offset, "sample", mm.Sample)
	}
	f.logger.Warn("Access-log line does not match its log_format; counted as unrecognized", attrs...)
	f.lastWarn, f.suppressed = now, 0
}

// cacheSeries stores s under key unless the cache is full: then the series
// already cached (the busy ones, found first) stay, and the rare or
// one-off values past the limit (say random Host headers, folded into
// __other__) are resolved on every line instead of evicting them.
func cacheSeries(cache map[string]*series, key []byte, s *series) {
	if len(cache) < seriesCacheMax {
		cache[string(key)] = s
	}
}

// inc bumps the counters of a series and its folded- and sanitised-label counters.
func (s *series) inc() {
	for _, c := range s.counters {
		c.Inc()
	}
	for _, c := range s.extra {
		c.Inc()
	}
}
