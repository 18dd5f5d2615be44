package pipeline

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/badgateway/badgateway_exporter/collector"
	"github.com/badgateway/badgateway_exporter/config"
)

// albEntry is an ALB access-log line (the documented field order, every
// current field) whose target, times and statuses decide its cause.
func albEntry(target, times, elbStatus, targetStatus string) string {
	return "https 2024-05-01T10:00:00.123456Z app/shop-alb/50dc6c495c0c9188 192.168.131.39:2817 " + target + " " + times + " " + elbStatus + " " + targetStatus +
		` 34 366 "GET https://shop.example:443/cart HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/shop-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "shop.example" "-" 1 2024-05-01T10:00:00.100000Z "forward" "-" "-" "-" "-" "-" "-" TID_1234abcd5678ef90`
}

// albMix is one of each kind of line the counters tell apart, with what
// each must count.
var albMix = []struct {
	line, status, cause string
	generated           bool
}{
	{albEntry("10.0.0.1:80", "0.000 0.004 0.000", "200", "200"), "200", "", false},
	{albEntry("10.0.0.1:80", "0.000 0.004 0.000", "500", "500"), "500", "", false}, // the target's own 5xx
	{albEntry("10.0.0.1:80", "0.000 -1 -1", "460", "-"), "460", "", false},         // the client closed
	{albEntry("10.0.0.2:80", "-1 -1 -1", "502", "-"), "502", "connection_refused", true},
	{albEntry("10.0.0.2:80", "0.001 4.205 -1", "502", "-"), "502", "premature_close", true},
	{albEntry("10.0.0.1:80", "0.001 60.001 -1", "504", "-"), "504", "read_timeout", true},
	{albEntry("-", "-1 -1 -1", "503", "-"), "503", "no_live_upstreams", true},
}

// albFile is the gzip of n rounds of albMix, as AWS names it.
func albFile(t *testing.T, dir, stamp string, rounds int) (path string, data []byte) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for range rounds {
		for _, m := range albMix {
			fmt.Fprintln(zw, m.line)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	name := "123456789012_elasticloadbalancing_us-east-2_app.shop-alb.50dc6c495c0c9188_" + stamp + "_172.160.001.192_20sg8hgm.log.gz"
	return filepath.Join(dir, name), b.Bytes()
}

// syncFile writes like `aws s3 sync`: a temporary name, then a rename.
func syncFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path+".a1B2c3D4", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".a1B2c3D4", path); err != nil {
		t.Fatal(err)
	}
}

// sumSeries adds up the counters of the metric name whose labels include
// want.
func sumSeries(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue series
				}
			}
			total += counterValue(m)
		}
	}
	return total
}

func counterValue(m *dto.Metric) float64 {
	if m.GetCounter() != nil {
		return m.GetCounter().GetValue()
	}
	return float64(m.GetHistogram().GetSampleCount())
}

func waitCounted(t *testing.T, reg *prometheus.Registry, lines float64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := sumSeries(t, reg, "badgateway_log_lines_total", nil)
		if got == lines {
			return
		}
		if got > lines {
			t.Fatalf("%v lines counted, more than the %v written", got, lines)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v lines counted, want %v", got, lines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkALBCounts compares every counter with what rounds rounds of albMix
// must count.
func checkALBCounts(t *testing.T, reg *prometheus.Registry, rounds int) {
	t.Helper()
	wantStatus, wantCause, wantGenerated := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, m := range albMix {
		wantStatus[m.status] += float64(rounds)
		if m.cause != "" {
			wantCause[m.cause] += float64(rounds)
		}
		if m.generated {
			wantGenerated[m.status] += float64(rounds)
		}
	}
	for status, n := range wantStatus {
		if got := sumSeries(t, reg, "badgateway_requests_total", map[string]string{"proxy": "aws_alb", "server": "shop-alb", "status": status}); got != n {
			t.Errorf("requests with status %s: %v, want %v", status, got, n)
		}
		if got := sumSeries(t, reg, "badgateway_proxy_generated_responses_total", map[string]string{"proxy": "aws_alb", "status": status}); got != wantGenerated[status] {
			t.Errorf("generated %s: %v, want %v", status, got, wantGenerated[status])
		}
	}
	for c, n := range wantCause {
		if got := sumSeries(t, reg, "badgateway_upstream_errors_total", map[string]string{"proxy": "aws_alb", "cause": c, "server": "shop-alb"}); got != n {
			t.Errorf("errors with cause %s: %v, want %v", c, got, n)
		}
	}
	if got, want := sumSeries(t, reg, "badgateway_upstream_errors_total", nil), float64(4*rounds); got != want {
		t.Errorf("upstream errors: %v, want %v", got, want)
	}
	if got := sumSeries(t, reg, "badgateway_upstream_errors_total", map[string]string{"upstream": "shop-targets", "cause": "no_live_upstreams"}); got != float64(rounds) {
		t.Errorf("no_live_upstreams on the target group: %v, want %v", got, rounds)
	}
	// Attempts: every line with a target; the failed ones under the 5xx the load balancer made.
	if got := sumSeries(t, reg, "badgateway_upstream_attempts_total", map[string]string{"proxy": "aws_alb", "upstream": "10.0.0.2:80", "status": "502"}); got != float64(2*rounds) {
		t.Errorf("attempts 10.0.0.2:80 502: %v, want %v", got, 2*rounds)
	}
	if got := sumSeries(t, reg, "badgateway_upstream_response_seconds", map[string]string{"proxy": "aws_alb", "upstream": "10.0.0.1:80"}); got != float64(3*rounds) {
		t.Errorf("response times observed for 10.0.0.1:80: %v, want %v", got, 3*rounds)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAWSLogFileNoAllocs(t *testing.T) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	gov := collector.NewGovernor(config.DefaultMaxValuesPerLabel, m.LabelValuesFolded)
	f := newAWSLogFile("123456789012_elasticloadbalancing_us-east-2_app.shop-alb.50dc6c495c0c9188_20240501T1000Z_172.160.001.192_20sg8hgm.log.gz",
		"/alb/*.log.gz", config.FormatAWSALB, m, gov, slog.New(slog.DiscardHandler))
	lines := make([][]byte, len(albMix))
	for i, mx := range albMix {
		lines[i] = []byte(mx.line)
		f.Line(lines[i]) // resolve the series
	}
	for _, l := range lines {
		if n := testing.AllocsPerRun(100, func() { f.Line(l) }); n != 0 {
			t.Errorf("%v allocs per line for %s", n, l)
		}
	}
}

func TestAWSLogFileHostileLines(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	gov := collector.NewGovernor(config.DefaultMaxValuesPerLabel, m.LabelValuesFolded)
	f := newAWSLogFile("not-an-aws-name.log.gz", "/alb/*.log.gz", config.FormatAWSALB, m, gov, slog.New(slog.DiscardHandler))
	for _, l := range []string{"", "garbage", `http 2024 app/x/y 1.2.3.4:5 - -1 -1 -1 502 - 1 2 "unterminated`, strings.Repeat("\xff", 1<<16), albMix[3].line} {
		f.Line([]byte(l))
	}
	if got := sumSeries(t, reg, "badgateway_log_lines_total", map[string]string{"result": "unrecognized"}); got != 4 {
		t.Errorf("unrecognized %v, want 4", got)
	}
	// Without an AWS file name, the server is the name in the line's elb field.
	if got := sumSeries(t, reg, "badgateway_upstream_errors_total", map[string]string{"server": "shop-alb", "cause": "connection_refused"}); got != 1 {
		t.Errorf("connection_refused on shop-alb %v, want 1", got)
	}
}
