package alerts_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// fleetDashboard is the dashboard built on the recording rules only: it is
// checked against a Prometheus that federates nothing but badgateway:*
// series (TestFederation), not against the raw series of TestEndToEnd.
const fleetDashboard = "badgateway-fleet"

// fedExporter is one exporter of TestFederation and the lines written to
// its logs: per (upstream, cause) error lines and per status access lines.
type fedExporter struct {
	server   string
	errors   map[[2]string]int // {upstream, cause} -> lines in the second batch
	statuses map[string]int    // status -> lines in the second batch
	disabled map[string]int    // upstream -> "temporarily disabled" lines in the second batch

	exp              *exportertest.Exporter
	errorLog, access string
}

var fedErrorLine = map[string]string{
	"connection_refused": `connect() failed (111: Connection refused) while connecting to upstream`,
	"read_timeout":       `upstream timed out (110: Connection timed out) while reading response header from upstream`,
	"connection_reset":   `recv() failed (104: Connection reset by peer) while reading response header from upstream`,
}

const fedLogFormat = `$remote_addr [$time_local] "$request" $status $upstream_addr $upstream_status $upstream_response_time $upstream_header_time`

func (f *fedExporter) start(t *testing.T) {
	dir := t.TempDir()
	f.errorLog, f.access = filepath.Join(dir, "error.log"), filepath.Join(dir, "access.log")
	for _, p := range []string{f.errorLog, f.access} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.exp = exportertest.Start(t, fmt.Sprintf(`logs:
  - path: %s
    format: nginx_error
  - path: %s
    format: nginx_access
    log_format: '%s'
    server: %s
positions: {disabled: true}
`, f.errorLog, f.access, fedLogFormat, f.server))
}

// write appends each error and access line n times, n from count.
func (f *fedExporter) write(t *testing.T, count func(n int) int) {
	var errs, acc strings.Builder
	i := 0
	for k, n := range f.errors {
		for range count(n) {
			i++
			fmt.Fprintf(&errs, "2026/12/02 03:04:05 [error] 77#77: *%d %s, client: 127.0.0.1, server: %s, request: \"GET / HTTP/1.1\", upstream: \"http://%s/\", host: \"%s\"\n",
				i, fedErrorLine[k[1]], f.server, k[0], f.server)
		}
	}
	for upstream, n := range f.disabled {
		for range count(n) {
			i++
			fmt.Fprintf(&errs, "2026/12/02 03:04:05 [warn] 77#77: *%d upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: %s, request: \"GET / HTTP/1.1\", upstream: \"http://%s/\", host: \"%s\"\n",
				i, f.server, upstream, f.server)
		}
	}
	for status, n := range f.statuses {
		for range count(n) {
			fmt.Fprintf(&acc, "127.0.0.1 [02/Dec/2026:03:04:05 +0000] \"GET / HTTP/1.1\" %s 10.0.0.1:8080 %s 0.010 0.010\n", status, status)
		}
	}
	appendFile(t, f.errorLog, errs.String())
	appendFile(t, f.access, acc.String())
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// TestFederation proves the fleet level for real: two exporters scraped by
// one Prometheus that evaluates the recording rules, and a second
// Prometheus that federates only the badgateway:* series from the first
// and evaluates the fleet rules. On the second, the totals of what was
// written come back per cause, per exporter and per status class, no raw
// series arrives, and every query of the fleet dashboard has data.
//
// Rates are exact enough to compare with the lines written: every series
// exists (batch one) for many scrapes before the counted batch two, so
// rate()'s extrapolation adds at most half a scrape interval to a sampled
// interval of 20 s or more: under 3 %, and the counts stay below 10.
func TestFederation(t *testing.T) {
	promtest.PrometheusBin.Require(t)
	exps := []*fedExporter{
		{server: "site1.test",
			errors:   map[[2]string]int{{"10.0.0.1:8080", "connection_refused"}: 3, {"10.0.0.2:8080", "read_timeout"}: 2},
			statuses: map[string]int{"200": 5, "502": 2},
			disabled: map[string]int{"10.0.0.2:8080": 2}},
		{server: "site2.test",
			errors:   map[[2]string]int{{"10.0.0.1:8080", "connection_refused"}: 4, {"10.0.0.3:9000", "connection_reset"}: 1},
			statuses: map[string]int{"200": 6, "504": 1}},
	}
	var targets []string
	for _, e := range exps {
		e.start(t)
		targets = append(targets, e.exp.Addr)
	}
	recording, err := filepath.Abs(recordingFile)
	if err != nil {
		t.Fatal(err)
	}
	site := promtest.StartPrometheus(t, promtest.PrometheusConfig{
		Targets: targets, RuleFiles: []string{recording}, ExternalLabels: map[string]string{"cluster": "site-a"},
	})
	global := promtest.StartPrometheus(t, promtest.PrometheusConfig{
		Federate: []string{site.Addr()}, FederateMatch: []string{`{__name__=~"badgateway:.*"}`}, RuleFiles: []string{recording},
	})

	// Batch one creates every series; the site must scrape them before
	// batch two is written.
	for _, e := range exps {
		e.write(t, func(int) int { return 1 })
	}
	waitQuery(t, site, `count(badgateway_upstream_errors_total) == 4 and count(badgateway_requests_total) == 4 and count(badgateway_upstream_health_events_total) == 1`, "batch one scraped")
	for _, e := range exps {
		e.write(t, func(n int) int { return n })
	}
	waitQuery(t, site, `sum(badgateway_upstream_errors_total) == 14 and sum(badgateway_requests_total) == 18 and sum(badgateway_upstream_health_events_total) == 3`, "batch two scraped")

	want := map[string]float64{ // query on the global Prometheus * 300 -> lines of batch two
		`sum(badgateway_fleet:upstream_errors:rate5m{cause="connection_refused",upstream="10.0.0.1:8080"})`: 7,
		`sum(badgateway_fleet:upstream_errors:rate5m{cause="read_timeout"})`:                                2,
		`sum(badgateway_fleet:upstream_errors:rate5m{cause="connection_reset"})`:                            1,
		fmt.Sprintf(`sum(badgateway:upstream_errors:rate5m{instance=%q})`, exps[0].exp.Addr):                5,
		fmt.Sprintf(`sum(badgateway:upstream_errors:rate5m{instance=%q})`, exps[1].exp.Addr):                5,
		`sum(badgateway_fleet:requests:rate5m{status_class="2xx"})`:                                         11,
		`sum(badgateway_fleet:requests:rate5m{status_class="5xx"})`:                                         3,
		`sum(badgateway_fleet:requests:rate5m{cluster="site-a"})`:                                           14,
		`sum(badgateway:requests_gateway_errors:rate5m)`:                                                    3,
		`sum(badgateway:upstream_attempts:rate5m{status="502"})`:                                            2,
		`sum(badgateway:upstream_health_events:rate5m{state="down",upstream="10.0.0.2:8080"})`:              2,
	}
	// Shares are compared as they are: the extrapolation of rate() cancels.
	wantShare := map[string]float64{
		`badgateway_fleet:requests:ratio_rate5m{status_class="5xx"}`:                                      3.0 / 14,
		fmt.Sprintf(`badgateway:requests:ratio_rate5m{status_class="5xx",instance=%q}`, exps[0].exp.Addr): 2.0 / 7,
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		bad := checkTotals(t, global, want, 300, 0.5)
		if bad == "" {
			bad = checkTotals(t, global, wantShare, 1, 0.01)
		}
		if bad == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the global Prometheus does not return the totals written: %s", bad)
		}
		time.Sleep(time.Second)
	}
	if res, err := global.Query(`count({__name__=~"badgateway_.+_total|badgateway_.+_bucket"})`); err != nil || len(res) != 0 {
		t.Errorf("raw series reached the global Prometheus (federation must carry only badgateway:*): %v %v", res, err)
	}
	checkFleetDashboard(t, global)
}

// checkTotals returns "" when every query times scale (300 for the rules'
// 5m window) is within tolerance of what was written, else what differs.
func checkTotals(t *testing.T, p *promtest.Prometheus, want map[string]float64, scale, tolerance float64) string {
	t.Helper()
	var bad []string
	for q, n := range want {
		res, err := p.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(res) != 1 {
			bad = append(bad, fmt.Sprintf("%s: %d samples", q, len(res)))
			continue
		}
		v, ok := res[0].Value[1].(string)
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			t.Fatalf("%s: value %v", q, res[0].Value)
		}
		if got := f * scale; math.Abs(got-n) >= tolerance {
			bad = append(bad, fmt.Sprintf("%s * %v = %.3f, want %.3f", q, scale, got, n))
		}
	}
	return strings.Join(bad, "; ")
}

// waitQuery polls until expr returns a sample.
func waitQuery(t *testing.T, p *promtest.Prometheus, expr, what string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := p.Query(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if len(res) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 60s (%s)\n%s", what, expr, p.Output())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkFleetDashboard runs every query of the fleet dashboard on the
// federating Prometheus: each must have data.
func checkFleetDashboard(t *testing.T, p *promtest.Prometheus) {
	n := 0
	for _, q := range dashboardQueries(t) {
		if !strings.HasPrefix(q.key, fleetDashboard+"/") {
			continue
		}
		n++
		expr, err := substituteGrafana(q.expr, map[string]string{"proxy": ".*"})
		if err != nil {
			t.Errorf("%s: %v", q.key, err)
			continue
		}
		res, err := p.Query(expr)
		if err != nil || len(res) == 0 {
			t.Errorf("%s: no data on the federating Prometheus (%v)\n%s", q.key, err, expr)
		}
	}
	if n < 8 {
		t.Errorf("only %d queries in the fleet dashboard", n)
	}
}

// TestRecordingRulesUsed: every recorded series is read by a dashboard
// query or another rule — a rule nobody reads costs series in every site
// Prometheus and over remote-write for nothing.
func TestRecordingRulesUsed(t *testing.T) {
	var rec ruleFile
	readYAML(t, recordingFile, &rec)
	used := map[string]bool{}
	var exprs []string
	for _, q := range dashboardQueries(t) {
		exprs = append(exprs, q.expr)
	}
	for _, g := range rec.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	for _, e := range exprs {
		for _, g := range rec.Groups {
			for _, r := range g.Rules {
				if strings.Contains(e, r.Record+"{") || strings.Contains(e, r.Record+")") || strings.Contains(e, r.Record+"\n") || strings.Contains(e, r.Record+" ") {
					used[r.Record] = true
				}
			}
		}
	}
	for _, g := range rec.Groups {
		for _, r := range g.Rules {
			if !used[r.Record] {
				t.Errorf("%s: %s is read by no dashboard and no rule", recordingFile, r.Record)
			}
		}
	}
}
