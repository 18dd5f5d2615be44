package collector

import (
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/logparse"

	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
)

// The tests feed real lines through the parsers into the counters, as
// package pipeline's file sources do (without their recover and logging).

const refusedLine = `2026/11/20 03:14:22 [error] 31#31: *1021 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.14:8080/", host: "shop"`

// errorLog counts nginx error-log lines.
type errorLog struct {
	SourceStats
	parser  nginxerror.Parser
	counter *EventCounter
}

func newErrorLogFile(path string, m *Metrics, gov *Governor) *errorLog {
	return &errorLog{SourceStats: NewSourceStats(path, m, gov), counter: NewEventCounter(m, gov)}
}

func (f *errorLog) Line(line []byte) { f.Counted(f.parser.Parse(line, f.counter.Count)) }

// accessLog counts access-log lines.
type accessLog struct {
	SourceStats
	parser  *nginxaccess.Parser
	rec     nginxaccess.Record
	server  []byte
	counter *AccessCounter
}

func newAccessLogFile(path string, parser *nginxaccess.Parser, server string, m *Metrics, gov *Governor, _ *slog.Logger) *accessLog {
	return &accessLog{SourceStats: NewSourceStats(path, m, gov), parser: parser, server: []byte(server), counter: NewAccessCounter(m, gov)}
}

func (f *accessLog) Line(line []byte) {
	if err := f.parser.Parse(line, &f.rec); err != nil {
		f.Counted(logparse.ResultUnrecognized)
		return
	}
	server := f.rec.ServerName
	if len(server) == 0 {
		server = f.server
	}
	f.counter.Request(server, f.rec.LastUpstream(), f.rec.Status, f.rec.Generated)
	for i := range f.rec.Attempts {
		a := &f.rec.Attempts[i]
		f.counter.Attempt(a.Upstream, a.Status, a.ResponseSeconds)
	}
	f.Counted(logparse.ResultClassified)
}

// countCheck is a counter's expected value.
type countCheck struct {
	name string
	c    prometheus.Collector
	want float64
}

func checkCounts(t *testing.T, checks []countCheck) {
	t.Helper()
	for _, c := range checks {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
}
