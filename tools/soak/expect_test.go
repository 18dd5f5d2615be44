package main

import (
	"fmt"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func parseExposition(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// exposition is what an exporter that read `refused` connection-refused
// lines and `favicon` ignored lines of /e.log would serve, plus a busy
// series of another file that must not be summed in.
func exposition(refused, favicon int) string {
	return fmt.Sprintf(`# TYPE badgateway_log_lines_total counter
badgateway_log_lines_total{path="/e.log",result="classified"} %d
badgateway_log_lines_total{path="/e.log",result="ignored"} %d
badgateway_log_lines_total{path="/other.log",result="classified"} 1000
# TYPE badgateway_upstream_errors_total counter
badgateway_upstream_errors_total{cause="connection_refused",proxy="nginx",server="shop.example.com",upstream="10.0.2.14:8080"} %d
badgateway_upstream_errors_total{cause="connection_refused",proxy="haproxy",server="fe",upstream="be/app"} 1000
`, refused, favicon, refused)
}

func errorSource(refused, favicon uint64) *source {
	s := newSource("error", "nginx", "/e.log", errorLogTemplates, 1)
	s.counts[0], s.counts[10] = refused, favicon // connect() failed (111), open() failed
	return s
}

func TestObserveMatchesExactCountsOnly(t *testing.T) {
	for _, tc := range []struct {
		name             string
		refused, favicon int
		want             bool
	}{
		{"exact", 3, 2, true},
		{"one classified line lost", 2, 2, false},
		{"one ignored line lost", 3, 1, false},
		{"one line counted twice", 4, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checks := expectations([]*source{errorSource(3, 2)}, 0)
			if got := observe(checks, parseExposition(t, exposition(tc.refused, tc.favicon))); got != tc.want {
				t.Errorf("observe = %v, want %v", got, tc.want)
				for _, c := range checks {
					t.Logf("%s want %v got %v", c.selector(), c.want, c.got)
				}
			}
		})
	}
}

// With no metrics at all (an exporter that read nothing), every non-zero
// expectation fails.
func TestObserveEmptyScrapeFails(t *testing.T) {
	checks := expectations([]*source{errorSource(3, 2)}, 0)
	if observe(checks, parseExposition(t, "")) {
		t.Fatal("an empty scrape matched")
	}
	failed := 0
	for _, c := range checks {
		if !c.ok() {
			failed++
		}
	}
	if failed != 4 { // lines classified and ignored, errors{proxy}, errors{proxy,cause}
		t.Errorf("%d checks failed, want 4", failed)
		for _, c := range checks {
			t.Logf("%s want %v ok %v", c.selector(), c.want, c.ok())
		}
	}
}

// UDP rows may fall short by the datagrams the kernel dropped, no more, and
// may never exceed what was sent.
func TestSyslogSlackIsBoundedByDrops(t *testing.T) {
	src := newSource("syslog", "haproxy", "syslog://127.0.0.1:1", syslogTemplates, 1)
	src.counts[1] = 10 // SC-- 503: connection_refused
	for _, tc := range []struct {
		got  int
		want bool
	}{{10, true}, {8, true}, {7, false}, {11, false}} {
		checks := expectations([]*source{src}, 2)
		fams := parseExposition(t, fmt.Sprintf(`badgateway_log_lines_total{path="syslog://127.0.0.1:1",result="classified"} %d
badgateway_upstream_errors_total{cause="connection_refused",proxy="haproxy"} %[1]d
badgateway_requests_total{proxy="haproxy",status="503"} %[1]d
`, tc.got))
		if got := observe(checks, fams); got != tc.want {
			t.Errorf("10 sent, 2 dropped, %d counted: observe = %v, want %v", tc.got, got, tc.want)
		}
	}
}

func TestScheduleHoldsEveryTemplateByWeight(t *testing.T) {
	for _, ts := range [][]template{errorLogTemplates, accessLogTemplates, syslogTemplates} {
		seen := make([]int, len(ts))
		for _, i := range schedule(ts) {
			seen[i]++
		}
		for i, n := range seen {
			if n != ts[i].weight {
				t.Errorf("template %q: %d times in a cycle, weight %d", ts[i].text[:30], n, ts[i].weight)
			}
		}
	}
}

func TestRenderFillsPlaceholders(t *testing.T) {
	v := lineVars{time: []byte("2026/11/20 03:14:22"), n: 70001}
	got := string(render(nil, "{time} *{n} {ip}:{port} {unknown} {", &v))
	want := "2026/11/20 03:14:22 *70001 203.0.113.152:11025 {unknown} {"
	if got != want {
		t.Errorf("render = %q, want %q", got, want)
	}
}
