// Package alerts_test checks the shipped alerting rules, Alertmanager
// configuration, Grafana dashboards and runbook: promtool and amtool accept
// them, every expression names only metrics the exporter registers, and a
// real Prometheus + Alertmanager in front of the real exporter and nginx
// fire and deliver the alerts and fill the dashboards.
package alerts_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// Paths of the shipped files, relative to this directory.
const (
	rulesFile        = "badgateway.rules.yml"
	recordingFile    = "badgateway.recording.yml"
	alertmanagerFile = "alertmanager.yml"
	routeCasesFile   = "alertmanager_routes_cases.yml"
	dashboardsDir    = "../dashboards"
	runbookFile      = "../docs/runbook.md"
)

// runbookBase is what every runbook_url starts with, before "#<anchor>".
const runbookBase = "https://github.com/badgateway/badgateway_exporter/blob/main/docs/runbook.md"

// ruleFile is a Prometheus rule file.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	} `yaml:"groups"`
}

type rule struct {
	Alert       string            `yaml:"alert"`
	Record      string            `yaml:"record"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// loadRules parses the shipped rule file.
func loadRules(t *testing.T) []rule {
	t.Helper()
	var f ruleFile
	readYAML(t, rulesFile, &f)
	var out []rule
	for _, g := range f.Groups {
		out = append(out, g.Rules...)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no rules", rulesFile)
	}
	return out
}

// alertNames returns the names of the alerting rules, sorted.
func alertNames(rules []rule) []string {
	var names []string
	for _, r := range rules {
		if r.Alert != "" {
			names = append(names, r.Alert)
		}
	}
	sort.Strings(names)
	return names
}

// ruleTestFiles returns the promtool unit test files, alerts/*_test.yml.
func ruleTestFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*_test.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no alerts/*_test.yml (%v)", err)
	}
	return files
}

func readYAML(t *testing.T, path string, out any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
