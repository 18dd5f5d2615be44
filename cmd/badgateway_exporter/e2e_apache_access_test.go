package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/apachetest"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

// e2eApacheLogFormat is written into httpd.conf and into the exporter's
// configuration as it stands: Apache's `\"` included.
const e2eApacheLogFormat = `%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %{BALANCER_WORKER_NAME}e %D %v`

// e2eApacheAccessSite: %[1]s the 200 backend, %[2]s the 503 one, %[3]s
// the LogFormat.
const e2eApacheAccessSite = `
LogFormat "%[3]s" balanced
CustomLog {{dir}}/access.log balanced
ProxyPass /direct http://%[1]s/
<Proxy balancer://pair>
    BalancerMember http://%[1]s
    BalancerMember http://%[2]s
</Proxy>
ProxyPass /pair balancer://pair/
`

// countingBackend answers every request with status and counts them.
func countingBackend(t *testing.T, status int) (addr string, hits *atomic.Int64) {
	hits = &atomic.Int64{}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(status)
	}))
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://"), hits
}

// TestEndToEndApacheAccessLog: real Apache writes its access log with a
// custom LogFormat (the worker and %D); the exporter, given the same
// LogFormat string, counts each request by status and balancer worker
// under proxy="apache", exactly as often as the backends saw them.
func TestEndToEndApacheAccessLog(t *testing.T) {
	ok, okHits := countingBackend(t, http.StatusOK)
	unavailable, unavailableHits := countingBackend(t, http.StatusServiceUnavailable)
	ap := apachetest.Start(t, fmt.Sprintf(e2eApacheAccessSite, ok, unavailable, e2eApacheLogFormat))
	accessLog := ap.Dir() + "/access.log"
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    format: apache_access\n    from_beginning: true\n    log_format: '%s'\n",
		accessLog, e2eApacheLogFormat))

	apacheMustGet(t, ap, "/direct", 200)
	apacheMustGet(t, ap, "/nowhere", 404)
	const pairRequests = 6
	for range pairRequests {
		status, _, err := ap.Get("/pair")
		if err != nil || status != 200 && status != 503 {
			t.Fatalf("GET /pair: %d %v", status, err)
		}
	}
	if n := okHits.Load() - 1 + unavailableHits.Load(); n != pairRequests || unavailableHits.Load() == 0 {
		t.Fatalf("the balancer sent %d requests to its members (%d to the 503 one), want %d, some to each", n, unavailableHits.Load(), pairRequests)
	}
	viaOK, via503 := float64(okHits.Load()-1), float64(unavailableHits.Load())

	requests := func(upstream, status string) exportertest.Labels {
		return exportertest.Labels{"proxy": "apache", "server": "apache.test", "upstream": upstream, "status": status}
	}
	exp.WaitFor(t, "badgateway_requests_total", exportertest.Labels{"proxy": "apache"}, pairRequests+2)
	// One line Apache could not have written, appended to its log.
	f, err := os.OpenFile(accessLog, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString("garbage \xff\xfe " + strings.Repeat(`"`, 70000) + "\n")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	exp.WaitFor(t, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}, 1)

	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, metric string
		sel          exportertest.Labels
		want         float64
	}{
		{"direct 200 (no balancer: no worker)", "badgateway_requests_total", requests("", "200"), 1},
		{"404 of Apache's own", "badgateway_requests_total", requests("", "404"), 1},
		{"200 via the ok member", "badgateway_requests_total", requests(ok, "200"), viaOK},
		{"503 via the other member", "badgateway_requests_total", requests(unavailable, "503"), via503},
		{"all apache requests", "badgateway_requests_total", exportertest.Labels{"proxy": "apache"}, pairRequests + 2},
		{"no nginx requests", "badgateway_requests_total", exportertest.Labels{"proxy": "nginx"}, 0},
		{"attempts of the ok member", "badgateway_upstream_attempts_total", exportertest.Labels{"proxy": "apache", "upstream": ok, "status": "200"}, viaOK},
		{"attempts of the 503 member", "badgateway_upstream_attempts_total", exportertest.Labels{"proxy": "apache", "upstream": unavailable, "status": "503"}, via503},
		{"response times (%D)", "badgateway_upstream_response_seconds", exportertest.Labels{"proxy": "apache"}, pairRequests},
		{"a backend's 503 is not generated", "badgateway_proxy_generated_responses_total", nil, 0},
		{"classified lines", "badgateway_log_lines_total", exportertest.Labels{"result": "classified"}, pairRequests + 2},
		{"unrecognized lines", "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}, 1},
	} {
		if got := exportertest.Value(fams, c.metric, c.sel); got != c.want {
			t.Errorf("%s: %s%v = %v, want %v\n%s", c.name, c.metric, c.sel, got, c.want, exportertest.Series(fams, c.metric))
		}
	}
	promtoolCheckMetrics(t, body)
}
