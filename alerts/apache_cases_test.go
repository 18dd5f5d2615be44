package alerts_test

import (
	"slices"
	"testing"
)

// TestApacheCasesMirrorNginx: every alert that has a promtool case firing
// with proxy="nginx" also has one firing with proxy="apache" (apache_test.yml),
// so no rule can come to filter on the proxy unnoticed.
func TestApacheCasesMirrorNginx(t *testing.T) {
	firing := map[string][]string{} // alert → proxies it fires for in some case
	for _, f := range ruleTestFiles(t) {
		var rt ruleTests
		readYAML(t, f, &rt)
		for _, tc := range rt.Tests {
			for _, a := range tc.AlertRuleTest {
				for _, e := range a.ExpAlerts {
					labels, _ := e["exp_labels"].(map[string]any)
					if p, ok := labels["proxy"].(string); ok && !slices.Contains(firing[a.Alertname], p) {
						firing[a.Alertname] = append(firing[a.Alertname], p)
					}
				}
			}
		}
	}
	if len(firing) == 0 {
		t.Fatal("no firing cases with a proxy label")
	}
	for alert, proxies := range firing {
		if slices.Contains(proxies, "nginx") && !slices.Contains(proxies, "apache") {
			t.Errorf("%s fires for proxy=nginx in a promtool case but has no case firing for proxy=apache", alert)
		}
	}
	for _, alert := range []string{"High502ErrorRate", "UpstreamConnectionRefused", "UpstreamTimeouts", "NoLiveUpstreams", "UpstreamMarkedDown"} {
		if !slices.Contains(firing[alert], "apache") {
			t.Errorf("%s: no case firing for proxy=apache", alert)
		}
	}
}
