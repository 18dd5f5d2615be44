package alerts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// noDataPanels are the dashboard queries that cannot return data in the
// end-to-end setup, with the reason. Keys are "<dashboard uid>/<panel
// title>/<refId>".
var noDataPanels = map[string]string{
	"badgateway-overview/Label values folded into __other__/A": "no label reaches limits.max_values_per_label (1000 distinct values) here",
}

const needsAccessLog = "needs an access log, which this exporter's configuration cannot follow"

// accessLogPanels have data only when the exporter follows an access log;
// they are asserted when it does.
var accessLogPanels = []string{
	"badgateway-overview/5xx share (access log)/A",
	"badgateway-overview/502 / 503 / 504 responses/A",
	"badgateway-overview/Upstream response time/A",
	"badgateway-overview/Upstream response time/B",
	"badgateway-overview/Upstream response time/C",
	"badgateway-overview/Slowest upstreams (p95)/A",
	"badgateway-upstream/Attempts by status/A",
	"badgateway-upstream/Requests by client status/A",
	"badgateway-upstream/Response time/A",
	"badgateway-upstream/Response time/B",
	"badgateway-upstream/Response time/C",
}

// checkDashboardQueries runs every dashboard query, Grafana variables
// replaced by values, against Prometheus and fails for one without data
// that is not listed in noDataPanels (or in accessLogPanels without an
// access log). Prometheus gets a few seconds for series that come with
// the traffic.
func checkDashboardQueries(t *testing.T, prom *promtest.Prometheus, accessLog bool, values map[string]string) {
	exempt := map[string]string{}
	for k, v := range noDataPanels {
		exempt[k] = v
	}
	if !accessLog {
		for _, k := range accessLogPanels {
			exempt[k] = needsAccessLog
		}
	}
	known := map[string]bool{}
	for _, q := range dashboardQueries(t) {
		if strings.HasPrefix(q.key, fleetDashboard+"/") {
			continue // recording rules only: TestFederation checks it
		}
		known[q.key] = true
		expr, err := substituteGrafana(q.expr, values)
		if err != nil {
			t.Errorf("%s: %v", q.key, err)
			continue
		}
		var n int
		for try := 0; try < 50; try++ { // 10s at most
			res, err := prom.Query(expr)
			if err != nil {
				t.Errorf("%s: %v\n%s", q.key, err, expr)
				break
			}
			if n = len(res); n > 0 {
				break
			}
			if _, ok := exempt[q.key]; ok {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		switch reason, ok := exempt[q.key]; {
		case n == 0 && !ok:
			t.Errorf("%s: no data\n%s", q.key, expr)
		case n == 0:
			t.Logf("%s: no data, as expected: %s", q.key, reason)
		case ok:
			t.Logf("%s: has data although listed as without (%s): remove it from the list", q.key, reason)
		}
	}
	for k := range exempt {
		if !known[k] {
			t.Errorf("exemption for %s, which is no dashboard query", k)
		}
	}
}
