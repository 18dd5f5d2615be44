package promtest

import (
	"strings"
	"testing"
	"time"
)

func TestPrometheusConfigRenderFederate(t *testing.T) {
	got := PrometheusConfig{
		Federate:       []string{"127.0.0.1:9090"},
		FederateMatch:  []string{`{__name__=~"badgateway:.*"}`},
		ExternalLabels: map[string]string{"cluster": "a"},
	}.render()
	for _, want := range []string{
		"external_labels:\n    cluster: \"a\"\n", `job_name: "federate"`, "honor_labels: true", "metrics_path: /federate",
		`- "{__name__=~\"badgateway:.*\"}"`, `- "127.0.0.1:9090"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("prometheus.yml lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `job_name: "badgateway"`) {
		t.Errorf("a federating-only Prometheus has an empty scrape job:\n%s", got)
	}
}

func TestPrometheusConfigRender(t *testing.T) {
	got := PrometheusConfig{
		Targets:       []string{"127.0.0.1:9502"},
		RuleFiles:     []string{"/tmp/r.yml"},
		Alertmanagers: []string{"127.0.0.1:9093"},
	}.render()
	for _, want := range []string{
		"scrape_interval: 1s", "evaluation_interval: 1s", `- "/tmp/r.yml"`,
		`job_name: "badgateway"`, `- "127.0.0.1:9502"`, `- "127.0.0.1:9093"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("prometheus.yml lacks %q:\n%s", want, got)
		}
	}
}

// TestPrometheusAndAlertmanager starts both on loopback and checks that
// Prometheus answers queries and scrapes Alertmanager, and that an alert
// posted to Alertmanager reaches the webhook receiver.
func TestPrometheusAndAlertmanager(t *testing.T) {
	hook := StartWebhook(t)
	am := StartAlertmanager(t, []byte(`route:
  receiver: hook
  group_wait: 1s
receivers:
  - name: hook
    webhook_configs:
      - url: `+hook.URL+`/hook
`))
	prom := StartPrometheus(t, PrometheusConfig{Job: "am", Targets: []string{am.Addr()}})

	res, err := prom.Query("1 + 1")
	if err != nil || len(res) != 1 || res[0].Value[1] != "2" {
		t.Fatalf("query 1 + 1: %v, %v", res, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := prom.Query(`up{job="am"} == 1`)
		if err == nil && len(res) == 1 {
			break
		}
		if time.Now().After(deadline) {
			targets, _ := prom.Targets()
			t.Fatalf("Alertmanager not scraped: %v %v; targets %+v", res, err, targets)
		}
		time.Sleep(200 * time.Millisecond)
	}

	if err := am.Post(PostableAlert{Labels: map[string]string{"alertname": "PromtestSmoke"}, StartsAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	n, ok := hook.WaitFor(20*time.Second, func(n Notification) bool {
		return len(n.Alerts) > 0 && n.Alerts[0].Labels["alertname"] == "PromtestSmoke"
	})
	if !ok || n.Path != "/hook" || n.Receiver != "hook" {
		t.Fatalf("notification %+v (received: %v)", n, ok)
	}
	alerts, err := am.Alerts()
	if err != nil || len(alerts) != 1 || alerts[0].Status.State != "active" {
		t.Fatalf("alerts %+v, %v", alerts, err)
	}
}

func TestRequireMissingTool(t *testing.T) {
	missing := Tool{Name: "nothing", Env: "BADGATEWAY_TEST_NOTHING", Paths: []string{"/nonexistent/nothing"}, Command: []string{"badgateway-no-such-tool"}}
	if _, err := missing.Find(); err == nil {
		t.Fatal("Find found a tool that does not exist")
	}
	t.Setenv("BADGATEWAY_TEST_NOTHING", "/nonexistent/nothing")
	if _, err := missing.Find(); err == nil || !strings.Contains(err.Error(), "BADGATEWAY_TEST_NOTHING") {
		t.Fatalf("Find with a bad $%s: %v", missing.Env, err)
	}
}
