package alerts_test

import (
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// TestAmtoolCheckConfig: Alertmanager 0.25 accepts alertmanager.yml.
func TestAmtoolCheckConfig(t *testing.T) {
	bin := promtest.AmtoolBin.Require(t)
	if out, err := exec.Command(bin, "check-config", alertmanagerFile).CombinedOutput(); err != nil {
		t.Fatalf("amtool check-config %s: %v\n%s", alertmanagerFile, err, out)
	}
}

// routeCases is alertmanager_routes_cases.yml: for a set of alert labels,
// the receivers Alertmanager must notify.
type routeCases struct {
	Cases []struct {
		Labels    map[string]string `yaml:"labels"`
		Receivers []string          `yaml:"receivers"`
	} `yaml:"cases"`
}

// TestAmtoolRoutes runs every case of alertmanager_routes_cases.yml through
// `amtool config routes test --verify.receivers`, and checks that each alert
// of the rules has a case with its static labels.
func TestAmtoolRoutes(t *testing.T) {
	bin := promtest.AmtoolBin.Require(t)
	var rc routeCases
	readYAML(t, routeCasesFile, &rc)
	covered := map[string]bool{}
	for _, c := range rc.Cases {
		args := []string{"config", "routes", "test", "--config.file=" + alertmanagerFile,
			"--verify.receivers=" + strings.Join(c.Receivers, ",")}
		args = append(args, labelArgs(c.Labels)...)
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Errorf("amtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		covered[c.Labels["alertname"]+"/"+c.Labels["severity"]+"/"+c.Labels["signal"]] = true
	}
	for _, r := range loadRules(t) {
		if r.Alert == "" {
			continue
		}
		key := r.Alert + "/" + r.Labels["severity"] + "/" + r.Labels["signal"]
		if !covered[key] {
			t.Errorf("%s: no case in %s with alertname=%s severity=%s signal=%s",
				r.Alert, routeCasesFile, r.Alert, r.Labels["severity"], r.Labels["signal"])
		}
	}
}

// labelArgs renders labels as amtool's name=value arguments, sorted.
func labelArgs(labels map[string]string) []string {
	var out []string
	for k, v := range labels {
		out = append(out, fmt.Sprintf("%s=%s", k, v))
	}
	sort.Strings(out)
	return out
}
