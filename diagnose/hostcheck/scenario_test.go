package hostcheck

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/probe"
)

// End-to-end scenarios of issue 12 with a real nginx, each in a network
// namespace of its own so that only its processes listen on loopback.

// discoverNginx returns the upstreams of the running nginx's configuration,
// as diagnose finds them.
func discoverNginx(t *testing.T, n *nginxtest.Nginx) []probe.Target {
	t.Helper()
	targets, _, err := discover.NginxFile(filepath.Join(n.Dir(), "nginx.conf"), discover.Options{})
	if err != nil || len(targets) == 0 {
		t.Fatalf("discover: %v, %v", targets, err)
	}
	return targets
}

// lineOf returns "file:line" of the first line of file containing s.
func lineOf(t *testing.T, file, s string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return fmt.Sprintf("%s:%d", file, i+1)
		}
	}
	t.Fatalf("%q not in %s", s, file)
	return ""
}

func getStatus(t *testing.T, n *nginxtest.Nginx) int {
	t.Helper()
	status, _, err := n.Get("/")
	if err != nil {
		t.Fatalf("GET through nginx: %v", err)
	}
	return status
}

// (a) The app runs on a different port than nginx's proxy_pass names.
func TestScenarioAppOnOtherPort(t *testing.T) {
	if !inNetns(t) {
		return
	}
	configured := loopback.ClosedTCPAddr(t) // nothing listens there
	appAddr := loopback.FreeTCPAddr(t)
	pid := netnstest.StartApp(t, "bgwapp", appAddr)
	netnstest.WaitListening(t, appAddr)
	n := nginxtest.Start(t, fmt.Sprintf(`server {
    listen {{listen}};
    location / {
        proxy_pass http://%s;
    }
}`, configured))
	if s := getStatus(t, n); s != 502 {
		t.Fatalf("status %d, want 502", s)
	}
	targets := discoverNginx(t, n)
	ls, err := Listeners("/proc")
	if err != nil {
		t.Logf("Listeners: %v", err)
	}
	fs := ServiceFindings(ls, targets)
	diagnose.Sort(fs)
	if len(fs) == 0 {
		t.Fatalf("no finding; listeners %+v", ls)
	}
	f := fs[0]
	where := lineOf(t, filepath.Join(n.Dir(), "nginx.conf"), "proxy_pass")
	want := fmt.Sprintf("nothing listens on %s; bgwapp (pid %d) listens on %s — proxy_pass at %s", configured, pid, appAddr, where)
	if f.Summary != want {
		t.Errorf("summary\n%q, want\n%q", f.Summary, want)
	}
	if f.Cause != "connection_refused" || f.Upstream != configured || f.Severity != diagnose.Critical ||
		!strings.Contains(f.Fix, fmt.Sprintf("change proxy_pass at %s to %s", where, appAddr)) {
		t.Errorf("finding %+v", f)
	}
	t.Logf("finding: %s\nfix: %s", f.Summary, f.Fix)
}

// (b) A firewall DROP rule on the backend's port.
func TestScenarioFirewallDrop(t *testing.T) {
	if !inNetns(t) {
		return
	}
	netnstest.RequireTool(t, "iptables", "iptables")
	backend := loopback.FreeTCPAddr(t)
	netnstest.StartApp(t, "bgwbackend", backend)
	netnstest.WaitListening(t, backend)
	n := nginxtest.Start(t, fmt.Sprintf(`server {
    listen {{listen}};
    location / {
        proxy_pass http://%s;
        proxy_connect_timeout 2s;
    }
}`, backend))
	if s := getStatus(t, n); s != 200 {
		t.Fatalf("status %d before the rule, want 200", s)
	}
	_, port, _ := net.SplitHostPort(backend)
	netnstest.MustRun(t, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", port, "-j", "DROP")
	if s := getStatus(t, n); s != 504 {
		t.Fatalf("status %d with the DROP rule, want 504 (connect timed out)", s)
	}
	if _, err := n.WaitErrorLog("upstream timed out", "while connecting to upstream"); err != nil {
		t.Fatal(err)
	}
	targets := discoverNginx(t, n)
	ls, _ := Listeners("/proc")
	if fs := ServiceFindings(ls, targets); len(fs) != 0 {
		t.Fatalf("the backend listens, yet: %+v", fs)
	}
	fs, skipped := NetworkChecks(context.Background(), targets, NetworkOptions{Listeners: ls})
	diagnose.Sort(fs)
	if len(fs) == 0 {
		t.Fatalf("no finding; skipped %+v", skipped)
	}
	f := fs[0]
	rule := "-A INPUT -p tcp -m tcp --dport " + port + " -j DROP"
	if f.Cause != "connect_timeout" || f.Upstream != backend || f.Check != diagnose.CheckNetwork ||
		len(f.Evidence) == 0 || f.Evidence[0] != "iptables filter/INPUT: "+rule {
		t.Fatalf("finding %+v", f)
	}
	del := "iptables -D INPUT -p tcp -m tcp --dport " + port + " -j DROP"
	if !strings.Contains(f.Fix, del) {
		t.Fatalf("fix %q does not name %q", f.Fix, del)
	}
	t.Logf("finding: %s\nevidence: %s\nfix: %s", f.Summary, f.Evidence[0], f.Fix)
	args := strings.Fields(del)
	netnstest.MustRun(t, args[0], args[1:]...)
	if s := getStatus(t, n); s != 200 {
		t.Fatalf("status %d after the fix, want 200", s)
	}
}
