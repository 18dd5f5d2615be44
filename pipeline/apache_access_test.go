package pipeline

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/collector"
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

// `format: apache_access` counts requests and balancer attempts under
// proxy="apache", through the same machinery as nginx_access.
func TestApacheAccessLogFormat(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	const path = "/var/log/apache2/access.log"
	newCounter, _, err := c.lineCounterFactory(config.LogConfig{Path: path, Format: config.FormatApacheAccess, Server: "fallback",
		LogFormat: `%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %{BALANCER_WORKER_NAME}e %D`})
	if err != nil {
		t.Fatal(err)
	}
	f := newCounter(path, slog.New(slog.DiscardHandler))
	for _, l := range []string{
		`127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /a HTTP/1.1" 200 2 "-" "curl/8" http://127.0.0.1:8081 1200`,
		`127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /b HTTP/1.1" 200 2 "-" "curl/8" http://127.0.0.1:8082 800`,
		`127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /c HTTP/1.1" 503 299 "-" "curl/8" http://127.0.0.1:8082 300`,
		`127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /d HTTP/1.1" 502 - "-" "curl/8" - 300`,
		"garbage \xff\xfe",
		strings.Repeat(`"`, 100000),
	} {
		f.Line([]byte(l))
	}
	f.CaughtUp()
	checkCounts(t, []countCheck{
		{"200 via 8081", c.m.Requests.WithLabelValues("apache", "fallback", "127.0.0.1:8081", "200"), 1},
		{"200 via 8082", c.m.Requests.WithLabelValues("apache", "fallback", "127.0.0.1:8082", "200"), 1},
		{"503 via 8082", c.m.Requests.WithLabelValues("apache", "fallback", "127.0.0.1:8082", "503"), 1},
		{"502 outside the balancer", c.m.Requests.WithLabelValues("apache", "fallback", "", "502"), 1},
		{"502 guessed generated", c.m.GeneratedResponses.WithLabelValues("apache", "fallback", "", "502"), 1},
		{"attempts 8082 503", c.m.UpstreamAttempts.WithLabelValues("apache", "127.0.0.1:8082", "503"), 1},
		{"not nginx", c.m.Requests.WithLabelValues("nginx", "fallback", "127.0.0.1:8081", "200"), 0},
		{"classified", c.m.LogLines.WithLabelValues(path, "classified"), 4},
		{"unrecognized", c.m.LogLines.WithLabelValues(path, "unrecognized"), 2},
	})
}

// A LogFormat that does not compile is a configuration error naming the
// file, the line and the field, for --config.check and for Apply.
func TestApacheAccessBadLogFormat(t *testing.T) {
	for yml, want := range map[string]string{
		"    log_format: '%h %Z'\n":          "b.yml:4: logs[0].log_format: LogFormat: unknown directive %Z",
		"    log_format: '%h \"%{Referer'\n": "b.yml:4: logs[0].log_format: LogFormat: the closing brace",
		"    log_format_name: main\n":        `b.yml:4: logs[0].log_format_name: no LogFormat nickname "main"`,
	} {
		cfg, err := config.Parse([]byte("logs:\n  - path: /a\n    format: apache_access\n"+yml), "b.yml")
		if err != nil {
			t.Fatalf("%q: %v", yml, err)
		}
		if err := CheckConfig(cfg); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: CheckConfig = %v, want prefix %s", yml, err, want)
		}
		c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
		if err := c.Apply(cfg); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: Apply = %v, want prefix %s", yml, err, want)
		}
		c.Close()
	}
}

// apacheBenchLines are lines of the README's Apache LogFormat: two
// balancer workers, some requests outside the balancer.
func apacheBenchLines() [][]byte {
	var lines [][]byte
	for i := range 64 {
		worker, status := fmt.Sprintf("http://10.0.0.%d:8080", i%2+1), "200"
		switch {
		case i%9 == 0:
			worker = "-"
		case i%5 == 0:
			status = "503"
		}
		lines = append(lines, fmt.Appendf(nil, `203.0.113.%d - - [02/Dec/2026:16:40:%02d +0000] "GET /api/items/%d HTTP/1.1" %s %d "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0" %s %d shop.test`,
			i, i%60, i, status, 500+i, worker, 1000+i*7))
	}
	return lines
}

func newApacheAccessFile(tb testing.TB) *accessLogFile {
	tb.Helper()
	p, err := nginxaccess.CompileApache(`%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %{BALANCER_WORKER_NAME}e %D %v`)
	if err != nil {
		tb.Fatal(err)
	}
	m := collector.NewMetrics(prometheus.NewRegistry())
	return newProxyAccessLogFile("/var/log/apache2/access.log", "apache", collector.PanicSourceApacheAccess, p, "", m,
		collector.NewGovernor(1000, m.LabelValuesFolded), slog.New(slog.DiscardHandler))
}

// Counting an Apache access-log line allocates nothing once its series exist.
func TestApacheAccessLogFileAllocatesNothing(t *testing.T) {
	f, lines := newApacheAccessFile(t), apacheBenchLines()
	for _, l := range lines {
		f.Line(l)
	}
	i := 0
	if a := testing.AllocsPerRun(1000, func() { f.Line(lines[i%len(lines)]); i++ }); a != 0 {
		t.Errorf("%v allocs per line", a)
	}
}

func BenchmarkApacheAccessLogFile(b *testing.B) {
	f, lines := newApacheAccessFile(b), apacheBenchLines()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f.Line(lines[i%len(lines)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
