package pipeline

import (
	"errors"
	"github.com/badgateway/badgateway_exporter/collector"
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
	collector.SourceStats
	parser *nginxaccess.Parser
	rec    nginxaccess.Record
	server []byte // the configured `server` label for formats without $server_name/$host
	// upstreamName: the format has ingress-nginx's $proxy_upstream_name
	// (namespace-service-port), the `server` label when there is no
	// $server_name or $host.
	upstreamName bool
	counter      *collector.AccessCounter
	logger       *slog.Logger
	now          func() time.Time // the mismatch warning's clock

	lastWarn   time.Time
	suppressed int
	guard      lineGuard
}

func newAccessLogFile(path string, parser *nginxaccess.Parser, server string, m *collector.Metrics, gov *collector.Governor, logger *slog.Logger) *accessLogFile {
	return newProxyAccessLogFile(path, "nginx", collector.PanicSourceNginxAccess, parser, server, m, gov, logger)
}

// newProxyAccessLogFile is newAccessLogFile for the access log of proxy
// ("nginx", "apache": the `proxy` label), whose panics count as source.
func newProxyAccessLogFile(path, proxy, source string, parser *nginxaccess.Parser, server string, m *collector.Metrics, gov *collector.Governor, logger *slog.Logger) *accessLogFile {
	return &accessLogFile{
		SourceStats: collector.NewSourceStats(path, m, gov), parser: parser, server: []byte(server),
		upstreamName: parser.HasVariable("proxy_upstream_name"),
		counter:      collector.NewProxyAccessCounter(m, gov, proxy), logger: logger, now: time.Now,
		guard: newLineGuard(source, path, m, logger),
	}
}

// Line parses and counts one access-log line.
func (f *accessLogFile) Line(line []byte) {
	defer f.recoverLine(line)
	if err := f.parser.Parse(line, &f.rec); err != nil {
		f.warnMismatch(err)
		f.Counted(logparse.ResultUnrecognized)
		return
	}
	server := f.rec.ServerName
	if len(server) == 0 && f.upstreamName {
		if v := f.rec.Field("proxy_upstream_name"); string(v) != "-" {
			server = v
		}
	}
	if len(server) == 0 {
		server = f.server
	}
	f.counter.Request(server, f.rec.LastUpstream(), f.rec.Status, f.rec.Generated)
	for i := range f.rec.Attempts {
		a := &f.rec.Attempts[i]
		f.counter.Attempt(a.Upstream, a.Status, a.ResponseSeconds)
	}
	f.Counted(logparse.ResultClassified) // last: a line that panics is counted once, as unrecognized
}

// recoverLine is deferred around the handling of one line; see recover.go.
func (f *accessLogFile) recoverLine(line []byte) {
	if r := recover(); r != nil {
		f.guard.recovered(r, line)
		f.Counted(logparse.ResultUnrecognized)
		f.rec = nginxaccess.Record{}
	}
}

// CaughtUp stamps the last-line time.
func (f *accessLogFile) CaughtUp() { f.SourceStats.CaughtUp() }

// warnMismatch logs a line that does not match the format, at most once per
// mismatchLogEvery, naming the variable where matching failed.
func (f *accessLogFile) warnMismatch(err error) {
	now := f.now()
	if now.Sub(f.lastWarn) < mismatchLogEvery {
		f.suppressed++
		return
	}
	var mm *nginxaccess.LogFormatMismatch
	attrs := []any{"path", f.Path(), "err", err, "similar_lines_not_logged", f.suppressed}
	if errors.As(err, &mm) {
		attrs = append(attrs, "variable", mm.Variable, "offset", mm.Offset, "sample", mm.Sample)
	}
	f.logger.Warn("Access-log line does not match its log_format; counted as unrecognized", attrs...)
	f.lastWarn, f.suppressed = now, 0
}
