package live

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// Errors that stopped more than 15 minutes ago are a warning, not a
// failure of now; a small 5xx share is a warning, a large one critical.
func TestSeverityFollowsRecencyAndShare(t *testing.T) {
	w := newWorld()
	clk := &fakeClock{t: t0}
	p := New(Options{Gatherer: w.reg, Now: clk.now})
	w.errs.WithLabelValues("nginx", "read_timeout", "10.0.0.1:80", "s").Add(7)
	for range 19 { // the sampler's minutes
		clk.add(time.Minute)
		p.Sample()
	}
	w.reqs.WithLabelValues("nginx", "s", "10.0.0.2:80", "200").Add(99)
	w.reqs.WithLabelValues("nginx", "s", "10.0.0.2:80", "504").Add(1)
	w.reqs.WithLabelValues("haproxy", "fe", "be/a", "503").Add(5)
	w.reqs.WithLabelValues("haproxy", "fe", "be/a", "200").Add(95)
	clk.add(30 * time.Second) // the error is 19 minutes old, the requests are new
	v, _ := p.View()
	got := map[string]diagnose.Finding{}
	for _, f := range v.Report.Findings {
		got[f.Upstream] = f
	}
	if f := got["10.0.0.1:80"]; f.Severity != diagnose.Warning || f.Failing || !strings.Contains(f.Summary, "earlier, quiet for 15m0s") {
		t.Errorf("old errors: %+v", f)
	}
	if f := got["10.0.0.2:80"]; f.Severity != diagnose.Warning || f.Runbook != "docs/runbook.md#http_504" ||
		f.Evidence[0] != "1 of 100 requests in the last 5 min (504×1), 1 of 100 in 15 min (badgateway_requests_total)" {
		t.Errorf("1 %% of 5xx: %+v", f)
	}
	if f := got["be/a"]; f.Severity != diagnose.Critical || !strings.HasPrefix(f.Summary, "HAProxy: 5.0 % of requests passed to be/a") {
		t.Errorf("5 %% of 5xx: %+v", f)
	}
	if len(v.Rows) != 1 || v.Rows[0].N5 != 0 || v.Rows[0].N60 != 7 {
		t.Errorf("table %+v", v.Rows)
	}
}

// A flood of failing upstreams makes a bounded page: the most severe and
// newest findings, a note saying how many were left out, a bounded table.
func TestFindingsAndRowsAreCapped(t *testing.T) {
	w := newWorld()
	p := New(Options{Gatherer: w.reg})
	for i := range 3 * maxFindings {
		w.errs.WithLabelValues("nginx", "connection_refused", fmt.Sprintf("10.0.%d.%d:80", i/250, i%250), "s").Add(float64(i + 1))
	}
	v, _ := p.View()
	fs := v.Report.Findings
	if len(fs) != maxFindings+1 || fs[maxFindings].Severity != diagnose.Info || fs[maxFindings].Summary != fmt.Sprintf("%d more findings left out", 2*maxFindings) {
		t.Fatalf("%d findings, last %+v", len(fs), fs[len(fs)-1])
	}
	if len(v.Rows) != maxRows || v.Rows[0].N5 != 3*maxFindings {
		t.Fatalf("table: %d rows, first %+v", len(v.Rows), v.Rows[0])
	}
}
