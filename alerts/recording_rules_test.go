package alerts_test

import (
	"strings"
	"testing"
)

// recordingTests is the part of a promtool unit test file with expression
// tests.
type recordingTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		PromQLExprTest []struct {
			Expr       string `yaml:"expr"`
			ExpSamples []struct {
				Labels string `yaml:"labels"`
			} `yaml:"exp_samples"`
		} `yaml:"promql_expr_test"`
	} `yaml:"tests"`
}

// TestRecordingRules: the recording rules only record (no alerts), are
// named badgateway:* (per exporter, keeping instance) or
// badgateway_fleet:* (across exporters, without instance), read only
// metrics the exporter registers or rules of this file, and each has a
// promtool case with expected samples.
func TestRecordingRules(t *testing.T) {
	var f ruleFile
	readYAML(t, recordingFile, &f)
	allowed := allowedMetrics(t)
	recorded := map[string]bool{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" || r.Record == "" {
				t.Errorf("%s: %q is not a recording rule", recordingFile, r.Alert+r.Record)
				continue
			}
			perInstance := strings.HasPrefix(r.Record, "badgateway:")
			if !perInstance && !strings.HasPrefix(r.Record, "badgateway_fleet:") {
				t.Errorf("%s: %s: want badgateway:* or badgateway_fleet:*", recordingFile, r.Record)
			}
			if !perInstance && !strings.Contains(r.Expr, "without (instance") && !strings.Contains(r.Expr, "badgateway_fleet:") {
				t.Errorf("%s: %s: a fleet rule sums instance away: %s", recordingFile, r.Record, r.Expr)
			}
			names, err := selectorNames(r.Expr)
			if err != nil {
				t.Errorf("%s: %s: %v", recordingFile, r.Record, err)
			}
			for _, n := range names {
				if !allowed[n] && !recorded[n] {
					t.Errorf("%s: %s reads %s: neither registered by the exporter nor recorded above it", recordingFile, r.Record, n)
				}
			}
			recorded[r.Record] = true
		}
	}
	if len(recorded) < 4 {
		t.Fatalf("%s: only %d recording rules", recordingFile, len(recorded))
	}
	tested := map[string]bool{}
	for _, file := range ruleTestFiles(t) {
		var rt recordingTests
		readYAML(t, file, &rt)
		if len(rt.RuleFiles) != 1 || rt.RuleFiles[0] != recordingFile {
			continue
		}
		for _, tc := range rt.Tests {
			for _, e := range tc.PromQLExprTest {
				if len(e.ExpSamples) == 0 {
					continue
				}
				names, _ := selectorNames(e.Expr)
				for _, n := range names {
					tested[n] = true
				}
			}
		}
	}
	for name := range recorded {
		if !tested[name] {
			t.Errorf("%s: no promtool case expects samples of %s", recordingFile, name)
		}
	}
}
