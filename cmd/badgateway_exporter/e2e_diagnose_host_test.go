package main

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// The scenarios of issue 12 that depend on what listens on the host and on
// its firewall run in a network namespace of their own (netnstest): only
// their processes listen on its loopback, and their iptables rules stay
// there.

// init lets StartApp run the test binary as a stand-in application (it
// serves and exits before the tests run).
func init() { netnstest.ServeAppIfAsked() }

// TestDiagnoseAppOnOtherPort: nginx passes to a port where nothing listens
// while the app (a process named bgwapp) listens on another one; diagnose
// names the app and says to change proxy_pass to its port.
func TestDiagnoseAppOnOtherPort(t *testing.T) {
	if !netnstest.InNamespace(t, "bgxdiag") {
		return
	}
	configured := loopback.ClosedTCPAddr(t) // nothing listens there
	appAddr := loopback.FreeTCPAddr(t)
	pid := netnstest.StartApp(t, "bgwapp", appAddr)
	netnstest.WaitListening(t, appAddr)
	ngx := nginxtest.Start(t, fmt.Sprintf(`server {
    listen {{listen}};
    location / {
        proxy_pass http://%s;
    }
}`, configured))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/"))
	f := topFinding(t, r, code, stderr)
	where := ngx.ConfigPath() + ":" + fmt.Sprint(lineNumber(t, ngx.ConfigPath(), "proxy_pass"))
	expectTop(t, f, "connection_refused", configured, fmt.Sprintf("change proxy_pass at %s to %s", where, appAddr))
	if want := fmt.Sprintf("nothing listens on %s; bgwapp (pid %d) listens on %s — proxy_pass at %s", configured, pid, appAddr, where); f.Summary != want {
		t.Errorf("summary\n%q, want\n%q", f.Summary, want)
	}
	if !hasEvidence(f, "answered 502") {
		t.Errorf("the --url status is not tied to the finding: %q", f.Evidence)
	}
}

// TestDiagnoseFirewallDropOnBackendPort: an iptables DROP rule on the
// backend's port makes nginx's connect time out; diagnose shows the rule
// and the command that deletes it, and running that command fixes it.
func TestDiagnoseFirewallDropOnBackendPort(t *testing.T) {
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
	if s := nginxStatus(t, ngx); s != 200 {
		t.Fatalf("status %d before the rule, want 200", s)
	}
	_, port, _ := net.SplitHostPort(backend)
	netnstest.MustRun(t, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", port, "-j", "DROP")
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/"))
	f := topFinding(t, r, code, stderr)
	del := "iptables -D INPUT -p tcp -m tcp --dport " + port + " -j DROP"
	expectTop(t, f, "connect_timeout", backend, del)
	if t.Failed() {
		t.Logf("all findings: %+v\nchecked: %+v", r.Findings, r.Checked)
	}
	if rule := "iptables filter/INPUT: -A INPUT -p tcp -m tcp --dport " + port + " -j DROP"; !slices.Contains(f.Evidence, rule) {
		t.Errorf("evidence %q lacks the rule %q", f.Evidence, rule)
	}
	if !strings.HasPrefix(f.Summary, "firewall iptables filter/INPUT drops TCP to "+backend) || !hasEvidence(f, "answered 504") {
		t.Errorf("summary %q, evidence %q", f.Summary, f.Evidence)
	}
	args := strings.Fields(del)
	netnstest.MustRun(t, args[0], args[1:]...)
	if s := nginxStatus(t, ngx); s != 200 {
		t.Fatalf("status %d after the fix, want 200", s)
	}
}

// nginxStatus is the status of GET / through nginx.
func nginxStatus(t *testing.T, n *nginxtest.Nginx) int {
	t.Helper()
	status, _, err := n.Get("/")
	if err != nil {
		t.Fatalf("GET through nginx: %v", err)
	}
	return status
}

// lineNumber is the number of the first line of file that contains s.
func lineNumber(t *testing.T, file, s string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in %s", s, file)
	return 0
}
