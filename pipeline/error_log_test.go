package pipeline

import (
	"github.com/badgateway/badgateway_exporter/collector"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const (
	refusedLine = `2026/11/20 03:14:22 [error] 31#31: *1021 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.14:8080/", host: "shop"`
	disableLine = `2026/11/20 03:14:25 [warn] 31#31: *1021 upstream server temporarily disabled while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.14:8080/", host: "shop"`
	noticeLine  = `2026/11/20 03:12:01 [notice] 1#1: start worker processes`
	fcgiHead    = `2026/11/20 03:19:20 [error] 31#31: *1408 FastCGI sent in stderr: "PHP message: PHP Fatal error:  boom`
	fcgiTail    = `  thrown in /var/www/db.php on line 12" while reading response header from upstream, client: 192.0.2.16, server: blog, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php.sock:", host: "blog"`
)

func newTestFile(t *testing.T, limit int) (*eventLogFile, *collector.Metrics) {
	t.Helper()
	m := collector.NewMetrics(prometheus.NewRegistry())
	f := newErrorLogFile("/var/log/nginx/error.log", m, collector.NewGovernor(limit, m.LabelValuesFolded))
	f.Now = func() time.Time { return time.Unix(1700000000, 0) }
	return f, m
}

func TestErrorLogFileCounts(t *testing.T) {
	f, m := newTestFile(t, 1000)
	for _, l := range []string{refusedLine, refusedLine, disableLine, noticeLine, "\x00\x01 garbage", fcgiHead, fcgiTail} {
		f.Line([]byte(l))
	}
	f.CaughtUp()
	const path = "/var/log/nginx/error.log"
	checks := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"refused", m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 2},
		{"fastcgi", m.UpstreamErrors.WithLabelValues("nginx", "fastcgi_stderr", "unix:/run/php.sock", "blog"), 1},
		{"marked down is a health event", m.HealthEvents.WithLabelValues("nginx", "10.0.2.14:8080", "down", "marked_down"), 1},
		{"classified lines", m.LogLines.WithLabelValues(path, "classified"), 5},
		{"ignored lines", m.LogLines.WithLabelValues(path, "ignored"), 1},
		{"unrecognized lines", m.LogLines.WithLabelValues(path, "unrecognized"), 1},
		{"last line", m.LogLastLine.WithLabelValues(path), 1700000000},
	}
	for _, c := range checks {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.UpstreamErrors); n != 2 {
		t.Errorf("%d error series, want 2 (marked_down is not an error)", n)
	}
}

func TestErrorLogFileFoldsUpstreams(t *testing.T) {
	f, m := newTestFile(t, 1)
	f.Line([]byte(refusedLine))
	other := `2026/11/20 03:14:22 [error] 31#31: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.99:8080/", host: "shop"`
	f.Line([]byte(other))
	f.Line([]byte(other))
	if got := testutil.ToFloat64(m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", collector.OtherValue, "shop")); got != 2 {
		t.Errorf("folded series = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.LabelValuesFolded.WithLabelValues("upstream")); got != 2 {
		t.Errorf("folded_total{upstream} = %v, want 2 (one per folded increment)", got)
	}
}

// The hot path allocates nothing once a series is resolved.
func TestErrorLogFileNoAllocsPerLine(t *testing.T) {
	f, _ := newTestFile(t, 1000)
	line := []byte(refusedLine)
	f.Line(line)
	if a := testing.AllocsPerRun(1000, func() { f.Line(line) }); a != 0 {
		t.Errorf("%v allocs per classified line", a)
	}
	notice := []byte(noticeLine)
	if a := testing.AllocsPerRun(1000, func() { f.Line(notice) }); a != 0 {
		t.Errorf("%v allocs per ignored line", a)
	}
}

func BenchmarkErrorLogFile(b *testing.B) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	f := newErrorLogFile("/x", m, collector.NewGovernor(1000, m.LabelValuesFolded))
	lines := [][]byte{[]byte(refusedLine), []byte(noticeLine), []byte(disableLine)}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f.Line(lines[i%len(lines)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
