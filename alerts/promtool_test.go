package alerts_test

import (
	"os/exec"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// promtool runs promtool with args in this directory and fails the test
// with its output when it exits non-zero.
func promtool(t *testing.T, args ...string) string {
	t.Helper()
	bin := promtest.PromtoolBin.Require(t)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestPromtoolCheckRules: the shipped rules load in Prometheus 2.42
// (syntax, PromQL, templates).
func TestPromtoolCheckRules(t *testing.T) {
	promtool(t, "check", "rules", rulesFile, recordingFile)
}

// TestPromtoolTestRules runs the unit tests alerts/*_test.yml.
func TestPromtoolTestRules(t *testing.T) {
	promtool(t, append([]string{"test", "rules"}, ruleTestFiles(t)...)...)
}

// ruleTests is the part of a promtool unit test file this package reads.
type ruleTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			EvalTime  string           `yaml:"eval_time"`
			Alertname string           `yaml:"alertname"`
			ExpAlerts []map[string]any `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// TestEveryAlertHasCases: each alert has a case where it fires and one
// where it must stay silent, and the test files load the shipped rules.
func TestEveryAlertHasCases(t *testing.T) {
	fires, silent := map[string]int{}, map[string]int{}
	for _, f := range ruleTestFiles(t) {
		var rt ruleTests
		readYAML(t, f, &rt)
		if len(rt.RuleFiles) != 1 || rt.RuleFiles[0] != rulesFile && rt.RuleFiles[0] != recordingFile {
			t.Errorf("%s: rule_files = %v, want [%s] or [%s]", f, rt.RuleFiles, rulesFile, recordingFile)
		}
		for _, tc := range rt.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					fires[a.Alertname]++
				} else {
					silent[a.Alertname]++
				}
			}
		}
	}
	known := map[string]bool{}
	for _, name := range alertNames(loadRules(t)) {
		known[name] = true
		if fires[name] == 0 {
			t.Errorf("%s: no promtool case where it fires", name)
		}
		if silent[name] == 0 {
			t.Errorf("%s: no promtool case where it must not fire", name)
		}
	}
	for name := range fires {
		if !known[name] {
			t.Errorf("test cases for unknown alert %s", name)
		}
	}
}
