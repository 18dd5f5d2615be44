package main

import (
	"fmt"
	"net"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// TestDiagnoseFirewallDropAfterLoopbackAccept: a DROP of the backend's
// port comes after an ACCEPT of everything on lo (as with ufw), so nginx
// reaches the backend over loopback; diagnose reports the rule as a
// warning that does not fail and exits 0.
func TestDiagnoseFirewallDropAfterLoopbackAccept(t *testing.T) {
	if !netnstest.InNamespace(t, "bgxdiag") {
		return
	}
	netnstest.RequireTool(t, "iptables", "iptables")
	backend := loopback.FreeTCPAddr(t)
	netnstest.StartApp(t, "bgwbackend", backend)
	netnstest.WaitListening(t, backend)
	ngx := nginxtest.Start(t, fmt.Sprintf(`server {
    listen {{listen}};
    location / {
        proxy_pass http://%s;
        proxy_connect_timeout 2s;
    }
}`, backend))
	_, port, _ := net.SplitHostPort(backend)
	netnstest.MustRun(t, "iptables", "-A", "INPUT", "-i", "lo", "-j", "ACCEPT")
	netnstest.MustRun(t, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", port, "-j", "DROP")
	if s := nginxStatus(t, ngx); s != 200 {
		t.Fatalf("status %d with the rules, want 200 (lo is accepted first)", s)
	}
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/"))
	if code != 0 {
		t.Errorf("exit %d, want 0: nothing fails; stderr %s", code, stderr)
	}
	found := false
	for _, f := range r.Findings {
		if f.Check != diagnose.CheckNetwork || f.Upstream != backend {
			continue
		}
		found = true
		if f.Severity != diagnose.Warning || f.Failing || !hasEvidence(f, "connections get through") {
			t.Errorf("firewall finding %+v, want a warning that does not fail", f)
		}
	}
	if !found {
		t.Errorf("no firewall finding for %s: %+v", backend, r.Findings)
	}
}
