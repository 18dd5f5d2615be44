package checklist

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// writeNginx writes an nginx.conf with the given http block content.
func writeNginx(t testing.TB, http string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nginx.conf")
	conf := "events {}\nhttp {\n" + http + "\n}\n"
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, o Options) *diagnose.Report {
	t.Helper()
	if o.NginxBinary == "" {
		o.NginxBinary = "/nonexistent/nginx"
	}
	if o.HAProxyBinary == "" {
		o.HAProxyBinary = "/nonexistent/haproxy"
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunRanksTheDeadUpstreamFirstWithItsFix(t *testing.T) {
	live, dead := backend.HTTPOK(t), backend.ClosedPort(t)
	conf := writeNginx(t, fmt.Sprintf(`
upstream app { server %s; server %s; }
server { listen 127.0.0.1:1; location / { proxy_pass http://app; } }`, live, dead))
	r := run(t, Options{NginxConfig: conf})
	if len(r.Findings) == 0 {
		t.Fatalf("no finding: %+v", r)
	}
	top := r.Findings[0]
	if top.Severity != diagnose.Critical || top.Cause != "connection_refused" || top.Upstream != dead || !top.Failing {
		t.Fatalf("top finding %+v", top)
	}
	if !strings.Contains(top.Fix, "`server "+dead+"` at "+conf+":4") || top.Runbook != "docs/runbook.md#connection_refused" {
		t.Errorf("fix %q runbook %q", top.Fix, top.Runbook)
	}
	if !strings.Contains(strings.Join(top.Evidence, "\n"), conf+":4: server "+dead) {
		t.Errorf("evidence %q", top.Evidence)
	}
	for _, f := range r.Findings[1:] {
		if f.Upstream == live {
			t.Errorf("the live upstream has a finding: %+v", f)
		}
	}
	if !skippedHas(r, diagnose.CheckConfig, "nginx -t") {
		t.Errorf("nginx -t without nginx must be skipped: %+v", r.Checked.Skipped)
	}
	if len(r.Checked.Upstreams) != 2 || r.Checked.Configs[0] != conf {
		t.Errorf("checked %+v", r.Checked)
	}
}

func TestRunHealthyHasNoCriticalFinding(t *testing.T) {
	live := backend.HTTPOK(t)
	conf := writeNginx(t, fmt.Sprintf(`server { listen 127.0.0.1:1; location / { proxy_pass http://%s; } }`, live))
	r := run(t, Options{NginxConfig: conf})
	if r.Critical() {
		t.Fatalf("critical finding on a healthy setup: %+v", r.Findings)
	}
}

func TestRunNothingToDiagnose(t *testing.T) {
	_, err := Run(context.Background(), Options{DefaultNginxPaths: []string{}, DefaultHAProxyPaths: []string{}, NginxBinary: "/nonexistent"})
	if err != ErrNothingToDiagnose {
		t.Fatalf("err %v", err)
	}
}

func skippedHas(r *diagnose.Report, check, substr string) bool {
	for _, s := range r.Checked.Skipped {
		if s.Check == check && strings.Contains(s.Reason, substr) {
			return true
		}
	}
	return false
}

// TestRunLooksInTheUsualPlaces: with no flag, the configurations found at
// the default paths are read; one that does not parse is skipped, not fatal.
func TestRunLooksInTheUsualPlaces(t *testing.T) {
	dead := backend.ClosedPort(t)
	good := writeNginx(t, fmt.Sprintf(`server { listen 127.0.0.1:1; location / { proxy_pass http://%s; } }`, dead))
	broken := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(broken, []byte("backend b\n  server s1 \"unterminated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, Options{DefaultNginxPaths: []string{"/nonexistent/nginx.conf", good}, DefaultHAProxyPaths: []string{broken}})
	if len(r.Checked.Proxies) != 1 || r.Checked.Proxies[0] != "nginx" || len(r.Findings) == 0 || r.Findings[0].Upstream != dead {
		t.Fatalf("report %+v", r)
	}
	if !skippedHas(r, diagnose.CheckConfig, broken) {
		t.Errorf("the unreadable haproxy.cfg is not listed as skipped: %+v", r.Checked.Skipped)
	}
}

// TestRunNameThatDoesNotResolve: a server name the configured DNS server
// (probes.dns_server, on loopback) does not know is a config finding that
// names the server line.
func TestRunNameThatDoesNotResolve(t *testing.T) {
	dns := probetest.DNSServer(t, nil)
	conf := writeNginx(t, "upstream app {\n server app.diag.test:3000;\n}\nserver { listen 127.0.0.1:1; location / { proxy_pass http://app; } }")
	exp := filepath.Join(t.TempDir(), "exporter.yml")
	if err := os.WriteFile(exp, []byte(fmt.Sprintf("probes:\n  dns_server: %s\n  discover:\n    nginx_config: %s\n", dns, conf)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, Options{ConfigFile: exp})
	if len(r.Findings) == 0 {
		t.Fatal("no finding")
	}
	f := r.Findings[0]
	if f.Check != diagnose.CheckConfig || f.Cause != "dns_failure" || f.Upstream != "app.diag.test:3000" ||
		!strings.Contains(f.Fix, "`server app.diag.test:3000` at "+conf+":4") {
		t.Fatalf("finding %+v", f)
	}
}
