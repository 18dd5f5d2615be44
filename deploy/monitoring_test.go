package deploy_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// TestPrometheusConfig checks deploy/prometheus/prometheus.yml with
// `promtool check config` (Debian package prometheus), with the rule file
// at its path in the repository instead of the container's.
func TestPrometheusConfig(t *testing.T) {
	bin := promtest.PromtoolBin.Require(t)
	rules, err := filepath.Abs("../alerts")
	if err != nil {
		t.Fatal(err)
	}
	m := &mapping{literals: []literal{{from: "/etc/prometheus/rules/", to: rules + "/"}}}
	path := filepath.Join(t.TempDir(), "prometheus.yml")
	m.writeMapped(t, "prometheus/prometheus.yml", path)
	m.checkUsed(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "check", "config", path).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check config: %v\n%s", err, out)
	}
	for _, want := range []string{"exporter:9502", "alertmanager:9093", "job_name: badgateway"} {
		if !strings.Contains(readFile(t, "prometheus/prometheus.yml"), want) {
			t.Errorf("prometheus.yml does not mention %q", want)
		}
	}
}

// TestGrafanaDatasource: the demo's data source is the provisioned one of
// dashboards/ but for the url of the compose service.
func TestGrafanaDatasource(t *testing.T) {
	type ds struct {
		Datasources []map[string]any `yaml:"datasources"`
	}
	var demo, shipped ds
	for path, into := range map[string]*ds{"grafana/datasources.yml": &demo, "../dashboards/provisioning/datasources/badgateway.yml": &shipped} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, into); err != nil || len(into.Datasources) != 1 {
			t.Fatalf("%s: %v, %d data sources", path, err, len(into.Datasources))
		}
	}
	d, s := demo.Datasources[0], shipped.Datasources[0]
	if d["url"] != "http://prometheus:9090" {
		t.Errorf("demo data source url %v, want http://prometheus:9090", d["url"])
	}
	for _, k := range []string{"name", "uid", "type", "access", "isDefault"} {
		if d[k] != s[k] {
			t.Errorf("data source %s: demo %v, dashboards/provisioning %v", k, d[k], s[k])
		}
	}
}
