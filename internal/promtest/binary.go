// Package promtest runs real Prometheus tools for tests: promtool and amtool
// as commands, and Prometheus and Alertmanager as processes on 127.0.0.1 with
// throw-away storage, free ports, a bounded readiness wait on /-/ready and a
// stop in tb.Cleanup. It also serves a local webhook receiver that records
// Alertmanager's notifications.
//
// A missing binary skips the test with an install hint, or fails it when CI
// is set or BADGATEWAY_REQUIRE_E2E=1 (the same rule as package nginxtest).
package promtest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// Tool is one binary of the Debian packages prometheus and
// prometheus-alertmanager.
type Tool struct {
	Name    string   // for messages, e.g. "alertmanager"
	Env     string   // environment variable naming a binary to use instead
	Paths   []string // where Debian installs it, tried in order
	Command []string // names looked up on PATH, tried in order
	Package string   // the Debian package that has it
}

// The tools the tests run.
var (
	PromtoolBin = Tool{Name: "promtool", Env: "BADGATEWAY_PROMTOOL",
		Paths: []string{"/usr/bin/promtool"}, Command: []string{"promtool"}, Package: "prometheus"}
	PrometheusBin = Tool{Name: "prometheus", Env: "BADGATEWAY_PROMETHEUS",
		Paths: []string{"/usr/bin/prometheus"}, Command: []string{"prometheus"}, Package: "prometheus"}
	AlertmanagerBin = Tool{Name: "alertmanager", Env: "BADGATEWAY_ALERTMANAGER",
		Paths:   []string{"/usr/bin/prometheus-alertmanager"},
		Command: []string{"prometheus-alertmanager", "alertmanager"}, Package: "prometheus-alertmanager"}
	AmtoolBin = Tool{Name: "amtool", Env: "BADGATEWAY_AMTOOL",
		Paths: []string{"/usr/bin/amtool"}, Command: []string{"amtool"}, Package: "prometheus-alertmanager"}
)

// Find returns the path of the tool's binary.
func (tl Tool) Find() (string, error) {
	if p := os.Getenv(tl.Env); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("promtest: $%s: %w", tl.Env, err)
		}
		return p, nil
	}
	for _, p := range tl.Paths {
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	for _, c := range tl.Command {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("promtest: %s not found (looked for %v and %v on PATH)", tl.Name, tl.Paths, tl.Command)
}

// Require returns the tool's binary, or ends the test: Fatal when
// end-to-end tests are required (CI, BADGATEWAY_REQUIRE_E2E=1), Skip
// otherwise.
func (tl Tool) Require(tb testing.TB) string {
	tb.Helper()
	p, err := tl.Find()
	if err == nil {
		return p
	}
	hint := fmt.Sprintf("install it (apt-get install %s) or run ./scripts/test.sh", tl.Package)
	if Required() {
		tb.Fatalf("%v; required here (CI or %s=1): %s", err, nginxtest.EnvRequire, hint)
	}
	tb.Skipf("%v; skipping: %s", err, hint)
	return ""
}

// Required reports whether a missing tool fails tests instead of skipping
// them: CI is set, or BADGATEWAY_REQUIRE_E2E=1.
func Required() bool { return nginxtest.E2ERequired() }
