package pipeline

import (
	"bytes"
	"context"
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
	"github.com/badgateway/badgateway_exporter/syslog"
)

// panickyParser is the nginx error-log parser, but panics on lines with
// "boom" and on the flush of a record that had "boom-at-flush".
type panickyParser struct {
	nginxerror.Parser
	flushBoom bool
}

func (p *panickyParser) Parse(line []byte, emit logparse.EmitFunc) logparse.Result {
	if bytes.Contains(line, []byte("boom-at-flush")) {
		p.flushBoom = true
		return logparse.ResultIgnored
	}
	if bytes.Contains(line, []byte("boom")) {
		var m map[string]int
		m["x"]++ // a real runtime panic: assignment to a nil map
	}
	return p.Parser.Parse(line, emit)
}

func (p *panickyParser) Flush(emit logparse.EmitFunc) {
	if p.flushBoom {
		panic("flush boom")
	}
	p.Parser.Flush(emit)
}

func newPanickyFile(t *testing.T, logs *strings.Builder) (*eventLogFile, *collector.Metrics, *time.Time) {
	t.Helper()
	m := collector.NewMetrics(prometheus.NewRegistry())
	logger := slog.New(slog.NewTextHandler(logs, nil))
	f := newEventLogFile("/e.log", collector.PanicSourceNginxError, func() eventParser { return &panickyParser{} }, m, collector.NewGovernor(100, m.LabelValuesFolded), logger)
	now := time.Unix(1700000000, 0)
	f.guard.now = func() time.Time { return now }
	return f, m, &now
}

func TestPanicInLineIsRecoveredCountedAndLogged(t *testing.T) {
	var logs strings.Builder
	f, m, now := newPanickyFile(t, &logs)
	long := "boom " + strings.Repeat("x", 10000)
	f.Line([]byte(refusedLine))
	f.Line([]byte(long))
	f.Line([]byte("boom again"))
	f.Line([]byte(refusedLine))
	*now = now.Add(panicLogEvery)
	f.Line([]byte("boom third"))
	checkCounts(t, []countCheck{
		{"panics", m.Panics.WithLabelValues(collector.PanicSourceNginxError), 3},
		{"panicked lines are unrecognized", m.LogLines.WithLabelValues("/e.log", "unrecognized"), 3},
		{"the lines around still count", m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 2},
	})
	out := logs.String()
	if n := strings.Count(out, "Recovered from a panic"); n != 2 {
		t.Errorf("%d panic logs, want 2 (rate-limited):\n%s", n, out)
	}
	for _, want := range []string{"assignment to entry in nil map", "similar_panics_not_logged=1", "line_bytes_not_shown=9749", "path=/e.log", "panickyParser"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%.2000s", want, out)
		}
	}
	if strings.Contains(out, strings.Repeat("x", panicLineBytes)) {
		t.Error("the log shows more than panicLineBytes of the line")
	}
}

func TestPanicInFlushIsRecovered(t *testing.T) {
	var logs strings.Builder
	f, m, _ := newPanickyFile(t, &logs)
	f.Line([]byte("boom-at-flush"))
	f.CaughtUp()
	f.Line([]byte(refusedLine))
	f.CaughtUp()
	checkCounts(t, []countCheck{
		{"panics", m.Panics.WithLabelValues(collector.PanicSourceNginxError), 1},
		{"a flush is not a line", m.LogLines.WithLabelValues("/e.log", "unrecognized"), 0},
		{"the parser was replaced", m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 1},
	})
	if !strings.Contains(logs.String(), "end of a multi-line record") {
		t.Errorf("flush panic not logged as such:\n%.1000s", logs.String())
	}
}

// The recover adds no allocation per line.
func TestLineGuardNoAllocs(t *testing.T) {
	var logs strings.Builder
	f, _, _ := newPanickyFile(t, &logs)
	line := []byte(refusedLine)
	f.Line(line)
	if a := testing.AllocsPerRun(1000, func() { f.Line(line) }); a != 0 {
		t.Errorf("%v allocs per line with the recover", a)
	}
}

func TestSyslogPanicPerLine(t *testing.T) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	sc := config.SyslogConfig{Routes: map[string]config.Format{"nginx": config.FormatNginxError}}
	const path = "syslog://127.0.0.1:5514"
	s := newSyslogSource(path, sc, m, collector.NewGovernor(100, m.LabelValuesFolded), slog.New(slog.DiscardHandler))
	format := string(config.FormatNginxError)
	s.newParsers[format] = func() eventParser { return &panickyParser{} }
	s.parsers[format] = s.newParsers[format]()
	s.Message(&syslog.Message{Tag: []byte("nginx"), Content: []byte(refusedLine + "\nboom\n" + refusedLine)})
	s.Message(&syslog.Message{Tag: []byte("nginx"), Content: []byte("boom-at-flush")})
	s.Message(&syslog.Message{Tag: []byte("nginx"), Content: []byte(refusedLine)})
	checkCounts(t, []countCheck{
		{"panics", m.Panics.WithLabelValues(collector.PanicSourceSyslog), 2},
		{"the panicked line", m.LogLines.WithLabelValues(path, "unrecognized"), 1},
		{"the lines after it in the message still count", m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 3},
	})
}

// panicOnMismatch is a log handler that panics on the access log's
// mismatch warning, the only way into a panic inside accessLogFile.Line.
type panicOnMismatch struct{ slog.Handler }

func (h panicOnMismatch) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "does not match") {
		panic("handler boom")
	}
	return h.Handler.Handle(ctx, r)
}

func TestAccessLogPanicIsRecovered(t *testing.T) {
	var logs strings.Builder
	p, err := nginxaccess.Compile(`$remote_addr "$request" $status $upstream_addr`, nginxaccess.LogFormatEscapeDefault)
	if err != nil {
		t.Fatal(err)
	}
	m := collector.NewMetrics(prometheus.NewRegistry())
	logger := slog.New(panicOnMismatch{slog.NewTextHandler(&logs, nil)})
	f := newAccessLogFile("/a.log", p, "s", m, collector.NewGovernor(10, m.LabelValuesFolded), logger)
	f.Line([]byte("garbage"))
	f.Line([]byte(`10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.9:80`))
	checkCounts(t, []countCheck{
		{"panics", m.Panics.WithLabelValues(collector.PanicSourceNginxAccess), 1},
		{"counted once, as unrecognized", m.LogLines.WithLabelValues("/a.log", "unrecognized"), 1},
		{"the next line", m.Requests.WithLabelValues("nginx", "s", "10.0.0.9:80", "200"), 1},
	})
	if !strings.Contains(logs.String(), "handler boom") {
		t.Errorf("panic not logged:\n%.1000s", logs.String())
	}
}
