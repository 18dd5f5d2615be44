package hostcheck

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

// ufwLoopback is ufw's rule set reduced to what matters: loopback is
// accepted before the user's DROP of port 3000 is reached.
const ufwLoopback = `*filter
:INPUT DROP [0:0]
:ufw-before-input - [0:0]
:ufw-user-input - [0:0]
-A INPUT -j ufw-before-input
-A ufw-before-input -i lo -j ACCEPT
-A ufw-before-input -j ufw-user-input
-A ufw-user-input -p tcp --dport 3000 -j DROP
COMMIT
`

// firewallFindingsFor is what firewallFindings reports for the rules of
// an iptables-save text and a loopback upstream at port 3000.
func firewallFindingsFor(t *testing.T, save string) []diagnose.Finding {
	t.Helper()
	u, ok := parseUpstream(probe.Target{Address: "127.0.0.1:3000", Upstream: "127.0.0.1:3000"})
	if !ok {
		t.Fatal("parseUpstream failed")
	}
	var fs []diagnose.Finding
	for _, r := range ParseIPTablesSave(save, "iptables") {
		if r.Blocks(u.addrs[0].Addr(), u.port, []netip.Addr{lo4}, true) {
			fs = append(fs, firewallFinding(u, u.addrs[0], r))
		}
	}
	if len(fs) != 1 || fs[0].Severity != diagnose.Critical || !fs[0].Failing {
		t.Fatalf("firewall findings %+v, want one critical", fs)
	}
	return fs
}

func TestSettleFirewallProbeSucceeded(t *testing.T) {
	for name, save := range map[string]string{
		"ufw":   ufwLoopback,
		"plain": "*filter\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 3000 -j DROP\nCOMMIT\n",
	} {
		fs := firewallFindingsFor(t, save) // the probe succeeded: no connectivity finding
		SettleFirewall(fs)
		if fs[0].Severity != diagnose.Warning || fs[0].Failing || !slices.Contains(fs[0].Evidence, passedThrough) {
			t.Errorf("%s: %+v, want a warning that does not fail, saying connections get through", name, fs[0])
		}
	}
}

func TestSettleFirewallProbeFailedOtherwise(t *testing.T) {
	fs := firewallFindingsFor(t, ufwLoopback)
	fs = append(fs,
		diagnose.Finding{Check: diagnose.CheckConnectivity, Failing: true, Cause: "connection_refused", Upstream: "127.0.0.1:3000"},
		diagnose.Finding{Check: diagnose.CheckConnectivity, Failing: true, Cause: "connect_timeout", Upstream: "127.0.0.1:4000"})
	SettleFirewall(fs)
	if fs[0].Failing || fs[0].Severity != diagnose.Warning {
		t.Errorf("a DROP with the probe refused is %+v, want a warning", fs[0])
	}
}

func TestSettleFirewallProbeTimedOut(t *testing.T) {
	fs := firewallFindingsFor(t, "*filter\n-A INPUT -p tcp --dport 3000 -j DROP\nCOMMIT\n")
	fs = append(fs, diagnose.Finding{Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Failing: true, Cause: fs[0].Cause, Upstream: "127.0.0.1:3000"})
	SettleFirewall(fs)
	if !fs[0].Failing || fs[0].Severity != diagnose.Critical || slices.Contains(fs[0].Evidence, passedThrough) {
		t.Errorf("a DROP with the probe timed out is %+v, want it critical", fs[0])
	}
}

// With ufw's ACCEPT of lo before the DROP, the finding of a loopback
// upstream says so; hostile save texts do not crash loopbackAccept.
func TestFirewallNamesTheLoopbackAccept(t *testing.T) {
	run := func(_ context.Context, name string, _ ...string) ([]byte, error) {
		if name == "iptables-save" {
			return []byte(ufwLoopback), nil
		}
		return nil, fmt.Errorf("%s: %w", name, errNotInstalled)
	}
	opts := NetworkOptions{SysRoot: t.TempDir(), KernelLog: noKernelLog, Run: run}
	fs, _ := NetworkChecks(context.Background(), []probe.Target{{Address: "127.0.0.1:3000", Proxy: "nginx"}}, opts)
	want := "iptables filter: -A ufw-before-input -i lo -j ACCEPT accepts everything on lo: a connection over loopback may never reach the rule"
	if len(fs) != 1 || !slices.Contains(fs[0].Evidence, want) {
		t.Errorf("findings %+v, want the evidence %q", fs, want)
	}
	for _, bad := range []string{"", "*filter\n-A", "*nat\n-A PREROUTING -i lo -j ACCEPT\n", "\xff\xfe*filter\n-A X -i lo -j ACCEPT -m limit\n", strings.Repeat("*filter\n", 1000)} {
		if got := loopbackAccept(bad); got != "" {
			t.Errorf("loopbackAccept(%q) = %q", bad, got)
		}
	}
}
