package alerts_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// alertTimeout bounds each wait for an alert state or a notification.
const alertTimeout = 90 * time.Second

// TestEndToEnd runs real nginx in front of a closed port (502: connection
// refused), the exporter binary following nginx's error and access logs, a
// real Prometheus scraping it every second with the shipped rules (time
// scaled, see scaleRules) and a real Alertmanager with the shipped
// configuration (webhooks pointed at a local receiver). It checks that
// UpstreamConnectionRefused, and High502ErrorRate when the access log is
// followed, go pending, then firing, and reach the pager receiver, and that
// every dashboard query returns data.
func TestEndToEnd(t *testing.T) {
	promtest.PrometheusBin.Require(t)
	promtest.AlertmanagerBin.Require(t)
	refused, grp1, grp2, ok := backend.ClosedPort(t), backend.ClosedPort(t), backend.ClosedPort(t), backend.HTTPOK(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(e2eNginxConfig, grp1, grp2, refused, ok, e2eLogFormat))
	cfg, accessLog := exporterConfig(t, ngx, []string{grp1, grp2}, ok)
	exp := exportertest.Start(t, cfg)

	hook := promtest.StartWebhook(t)
	am := promtest.StartAlertmanager(t, alertmanagerConfig(t, hook.URL))
	prom := promtest.StartPrometheus(t, promtest.PrometheusConfig{
		Job:           "badgateway",
		Targets:       []string{exp.Addr},
		Interval:      time.Second,
		RuleFiles:     []string{writeScaledRules(t, t.TempDir())},
		Alertmanagers: []string{am.Addr()},
	})

	// 20 requests a second, 2 minutes at most: enough for every scaled
	// window; /nolive marks both servers of grp down (health events).
	stop := traffic(t, ngx, 50*time.Millisecond, 2400, "/refused", "/refused", "/ok", "/nolive")
	defer stop()

	cases := []struct {
		alert  string
		labels map[string]string
		assert bool
		why    string
	}{
		{"UpstreamConnectionRefused", map[string]string{"upstream": refused, "cause": "connection_refused", "proxy": "nginx"}, true, ""},
		{"High502ErrorRate", map[string]string{"server": "e2e.test", "proxy": "nginx"}, accessLog,
			"needs badgateway_requests_total, which only an access log gives"},
	}
	// Watch every asserted alert from the start: each must be seen pending
	// before it fires.
	var watched []map[string]string
	for _, c := range cases {
		c.labels["alertname"] = c.alert
		c.labels["instance"] = exp.Addr
		if c.assert {
			watched = append(watched, c.labels)
		}
	}
	states := watchUntilFiring(t, prom, watched)
	for _, c := range cases {
		t.Run(c.alert, func(t *testing.T) {
			if !c.assert {
				t.Skipf("not asserted: %s", c.why)
			}
			seen := states[c.alert]
			if len(seen) < 2 || seen[0] != "pending" || seen[len(seen)-1] != "firing" {
				t.Errorf("%s: states seen %v, want pending then firing", c.alert, seen)
			}
			n, got := hook.WaitFor(alertTimeout, func(n promtest.Notification) bool {
				return n.Path == "/pager" && n.Status == "firing" && hasAlert(n, c.labels)
			})
			if !got {
				t.Fatalf("%s not delivered to the pager webhook within %v; got %+v\nalertmanager:\n%s",
					c.alert, alertTimeout, hook.Notifications(), am.Output())
			}
			for _, a := range n.Alerts {
				if matchLabels(a.Labels, c.labels) {
					t.Logf("delivered to %s: %s", n.Receiver, a.Annotations["description"])
				}
			}
			if n.Receiver != "pager" || n.GroupLabels["proxy"] != "nginx" {
				t.Errorf("notification receiver %q, group labels %v; want pager, grouped by proxy and upstream", n.Receiver, n.GroupLabels)
			}
		})
	}

	t.Run("dashboards", func(t *testing.T) {
		checkDashboardQueries(t, prom, accessLog, map[string]string{
			"__rate_interval": "15s",
			"__interval":      "5s",
			"__range":         "5m",
			"__range_s":       "300",
			"instance":        ".*",
			"proxy":           ".*",
			"upstream":        quoteAlternatives(refused, grp1, grp2, ok),
			"cause":           ".*",
		})
	})
}

// watchUntilFiring polls Prometheus' alerts every 100ms until an alert
// matching each of want fires, and returns the states each went through
// (deduplicated in order), by alertname.
func watchUntilFiring(t *testing.T, prom *promtest.Prometheus, want []map[string]string) map[string][]string {
	t.Helper()
	states := map[string][]string{}
	deadline := time.Now().Add(alertTimeout)
	for time.Now().Before(deadline) {
		alerts, err := prom.Alerts()
		if err != nil {
			t.Fatal(err)
		}
		firing := 0
		for _, w := range want {
			name := w["alertname"]
			for _, a := range alerts {
				if !matchLabels(a.Labels, w) {
					continue
				}
				if s := states[name]; len(s) == 0 || s[len(s)-1] != a.State {
					states[name] = append(s, a.State)
				}
				if a.State == "firing" {
					firing++
					if !strings.Contains(a.Annotations["description"], w["proxy"]) || a.Annotations["runbook_url"] == "" {
						t.Errorf("%s: annotations %v", name, a.Annotations)
					}
				}
				break
			}
		}
		if firing == len(want) {
			return states
		}
		time.Sleep(100 * time.Millisecond)
	}
	all, _ := prom.Alerts()
	t.Fatalf("not all of %v fired within %v (states seen %v); alerts: %+v\nprometheus:\n%s",
		want, alertTimeout, states, all, prom.Output())
	return nil
}

func hasAlert(n promtest.Notification, labels map[string]string) bool {
	for _, a := range n.Alerts {
		if a.Status == "firing" && matchLabels(a.Labels, labels) {
			return true
		}
	}
	return false
}

// matchLabels reports whether have has every label of want.
func matchLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
