package pipeline

import (
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/syslog"
)

// Label values from input that client_golang would panic on, or that would
// make one series hold a whole line, are replaced and counted.

func TestErrorLogInvalidUTF8Labels(t *testing.T) {
	f, m := newTestFile(t, 1000)
	// nginx writes the client's raw Host: bytes into "could not be resolved"
	// (proxy_pass http://$host:8080 with a resolver), and a server name or
	// an upstream in a tailed file can hold any byte.
	line := strings.Replace(refusedLine, "10.0.2.14", "10.0.2.\xff", 1)
	line = strings.Replace(line, "server: shop", "server: sh\xfe\xffop", 1)
	f.Line([]byte(line))
	f.Line([]byte(line))
	f.Line([]byte(strings.Replace(refusedLine, "10.0.2.14", "\xc0\xaf", 1)))
	checkCounts(t, []countCheck{
		{"replaced, not dropped", m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.\uFFFD:8080", "sh\uFFFDop"), 2},
		{"upstream sanitised per increment", m.LabelValuesSanitized.WithLabelValues("upstream", "invalid_utf8"), 3},
		{"server sanitised per increment", m.LabelValuesSanitized.WithLabelValues("server", "invalid_utf8"), 2},
		{"lines", m.LogLines.WithLabelValues("/var/log/nginx/error.log", "classified"), 3},
	})
}

func TestSyslogInvalidUTF8Labels(t *testing.T) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	sc := config.SyslogConfig{Routes: map[string]config.Format{"haproxy": config.FormatHAProxy, "nginx": config.FormatNginxError}}
	const path = "syslog://127.0.0.1:5514"
	s := newSyslogSource(path, sc, m, collector.NewGovernor(100, m.LabelValuesFolded), slog.New(slog.DiscardHandler))
	s.Message(&syslog.Message{Tag: []byte("haproxy"), Content: []byte("127.0.0.1:36848 [21/Nov/2026:11:01:14.047] f\xffe b\xffe/s\xff1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /x HTTP/1.1\"")})
	s.Message(&syslog.Message{Tag: []byte("nginx"), Content: []byte(strings.Replace(refusedLine, "10.0.2.14", "10.0.2.\xff", 1))})
	checkCounts(t, []countCheck{
		{"haproxy request", m.Requests.WithLabelValues("haproxy", "f\uFFFDe", "b\uFFFDe/s\uFFFD1", "503"), 1},
		{"nginx error", m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.\uFFFD:8080", "shop"), 1},
		{"upstream sanitised", m.LabelValuesSanitized.WithLabelValues("upstream", "invalid_utf8"), 2}, // one per event
		{"server sanitised", m.LabelValuesSanitized.WithLabelValues("server", "invalid_utf8"), 1},
		{"lines", m.LogLines.WithLabelValues(path, "classified"), 2},
	})
}

func TestAccessLogInvalidUTF8AndLongLabels(t *testing.T) {
	// nginx escapes bytes over 0x7E as \xHH, except with escape=none.
	p, err := nginxaccess.Compile(`$remote_addr "$request" $status $host $upstream_addr $upstream_status`, nginxaccess.LogFormatEscapeNone)
	if err != nil {
		t.Fatal(err)
	}
	m := collector.NewMetrics(prometheus.NewRegistry())
	f := newAccessLogFile("/a.log", p, "", m, collector.NewGovernor(1000, m.LabelValuesFolded), slog.New(slog.DiscardHandler))
	long := strings.Repeat("u", 300<<10)
	f.Line([]byte("10.0.0.1 \"GET / HTTP/1.1\" 502 h\xffst " + long + " 502"))
	cut := strings.Repeat("u", config.DefaultMaxLabelValueBytes)
	checkCounts(t, []countCheck{
		{"request", m.Requests.WithLabelValues("nginx", "h\uFFFDst", cut, "502"), 1},
		{"attempt", m.UpstreamAttempts.WithLabelValues("nginx", cut, "502"), 1},
		{"server sanitised", m.LabelValuesSanitized.WithLabelValues("server", "invalid_utf8"), 1},
		{"upstream cut, request and attempt", m.LabelValuesSanitized.WithLabelValues("upstream", "too_long"), 2},
	})
}

// 300 distinct upstreams of 300 KiB once made a 110 MB /metrics.
func TestLongUpstreamsAreCut(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	gov := collector.NewGovernor(1000, m.LabelValuesFolded)
	gov.SetLimits(config.Limits{MaxValuesPerLabel: 1000, MaxLabelValueBytes: 64, LabelValueTTL: config.DefaultLabelValueTTL})
	f := newErrorLogFile("/e.log", m, gov)
	for i := range 300 {
		up := strings.Repeat(string(rune('a'+i%26)), 300<<10) + strings.Repeat("z", i)
		f.Line([]byte(strings.Replace(refusedLine, "10.0.2.14:8080", up, 1)))
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	forEachLabel(mfs, func(name string, lp *dto.LabelPair) {
		if len(lp.GetValue()) > 64 || !utf8.ValidString(lp.GetValue()) {
			t.Fatalf("%s{%s}: %d bytes", name, lp.GetName(), len(lp.GetValue()))
		}
	})
	// The same 64-byte prefix for every 26th value: cut values share series.
	if n := testutil.CollectAndCount(m.UpstreamErrors); n != 26 {
		t.Errorf("%d series, want 26 (one per distinct 64-byte prefix)", n)
	}
	if got := testutil.ToFloat64(m.LabelValuesSanitized.WithLabelValues("upstream", "too_long")); got != 300 {
		t.Errorf("too_long = %v, want 300", got)
	}
}

// A file whose name is not UTF-8 (a glob can match one) is followed too.
func TestInvalidUTF8Path(t *testing.T) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	f := newErrorLogFile("/var/log/nginx/\xff.log", m, collector.NewGovernor(10, m.LabelValuesFolded))
	f.Line([]byte(noticeLine))
	f.Rotated()
	checkCounts(t, []countCheck{
		{"lines", m.LogLines.WithLabelValues("/var/log/nginx/\uFFFD.log", "ignored"), 1},
		{"rotations", m.LogRotations.WithLabelValues("/var/log/nginx/\uFFFD.log"), 1},
		{"path sanitised once per source", m.LabelValuesSanitized.WithLabelValues("path", "invalid_utf8"), 1},
	})
}

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

func forEachLabel(mfs []*dto.MetricFamily, fn func(name string, lp *dto.LabelPair)) {
	for _, mf := range mfs {
		for _, metric := range mf.GetMetric() {
			for _, lp := range metric.GetLabel() {
				fn(mf.GetName(), lp)
			}
		}
	}
}
