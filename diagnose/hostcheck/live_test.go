package hostcheck

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
	"github.com/badgateway/badgateway_exporter/probe"
)

// dialCause connects to addr once and maps the error as the probes do.
func dialCause(t *testing.T, addr string) cause.Cause {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err == nil {
		c.Close()
		return cause.None
	}
	for errno, c := range map[syscall.Errno]cause.Cause{
		syscall.ECONNREFUSED: cause.ConnectionRefused, syscall.EHOSTUNREACH: cause.HostUnreachable,
		syscall.ENETUNREACH: cause.NetworkUnreachable, syscall.EACCES: cause.PermissionDenied,
	} {
		if errors.Is(err, errno) {
			return c
		}
	}
	t.Fatalf("dial %s: %v", addr, err)
	return cause.None
}

// TestFirewallRejectLive adds REJECT rules with iptables and ip6tables in a
// network namespace, in front of a socket that listens, and checks that
// NetworkChecks reports each with the cause a real connect gets, then that
// the fix's command removes it.
func TestFirewallRejectLive(t *testing.T) {
	if !inNetns(t) {
		return
	}
	for _, c := range []struct{ tool, host, with string }{
		{"iptables", "127.0.0.1", "tcp-reset"},
		{"iptables", "127.0.0.1", "icmp-port-unreachable"},
		{"iptables", "127.0.0.1", "icmp-host-prohibited"},
		{"iptables", "127.0.0.1", "icmp-net-unreachable"},
		{"iptables", "127.0.0.1", "icmp-admin-prohibited"},
		{"ip6tables", "::1", "icmp6-port-unreachable"},
		{"ip6tables", "::1", "icmp6-adm-prohibited"},
		{"ip6tables", "::1", "icmp6-addr-unreachable"},
		{"ip6tables", "::1", "icmp6-no-route"},
	} {
		ln, err := net.Listen("tcp", net.JoinHostPort(c.host, "0"))
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close() // open until the end: no port is handed out twice
		addr := ln.Addr().String()
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		netnstest.MustRun(t, c.tool, "-A", "INPUT", "-p", "tcp", "--dport", port, "-j", "REJECT", "--reject-with", c.with)
		fs, skipped := NetworkChecks(context.Background(), []probe.Target{{Address: addr}}, NetworkOptions{KernelLog: noKernelLog})
		got := dialCause(t, addr)
		if len(fs) != 1 || fs[0].Cause != got.String() || fs[0].Upstream != addr {
			t.Fatalf("%s %s: connect gets %s; findings %+v (skipped %+v)", c.tool, c.with, got, fs, skipped)
		}
		fix := fs[0].Fix
		cmd := fix[strings.Index(fix, c.tool+" -D"):strings.Index(fix, " (and")]
		args := strings.Fields(cmd)
		netnstest.MustRun(t, args[0], args[1:]...)
		if got := dialCause(t, addr); got != cause.None {
			t.Fatalf("%s %s: after %q a connect still fails: %s", c.tool, c.with, cmd, got)
		}
		t.Logf("%s %s: %s, removed by %q", c.tool, c.with, got, cmd)
	}
}

// TestNftLive does the same with a native nftables rule.
func TestNftLive(t *testing.T) {
	if !inNetns(t) {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	netnstest.MustRun(t, "nft", "add", "table", "inet", "bgw")
	netnstest.MustRun(t, "nft", "add", "chain", "inet", "bgw", "input", "{ type filter hook input priority 0; policy accept; }")
	netnstest.MustRun(t, "nft", "add", "rule", "inet", "bgw", "input", "tcp", "dport", port, "counter", "reject", "with", "tcp", "reset")
	ln6, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln6.Close()
	addr6 := ln6.Addr().String()
	port6 := strconv.Itoa(ln6.Addr().(*net.TCPAddr).Port)
	netnstest.MustRun(t, "nft", "add", "rule", "inet", "bgw", "input", "tcp", "dport", port6, "reject", "with", "icmpx", "type", "admin-prohibited")
	fs6, _ := NetworkChecks(context.Background(), []probe.Target{{Address: addr6}}, NetworkOptions{KernelLog: noKernelLog})
	if got := dialCause(t, addr6); len(fs6) != 1 || fs6[0].Cause != got.String() {
		t.Fatalf("icmpx admin-prohibited to %s: connect gets %s; findings %+v", addr6, got, fs6)
	}
	fs, _ := NetworkChecks(context.Background(), []probe.Target{{Address: addr, Proxy: "haproxy", Upstream: "be/app"}}, NetworkOptions{KernelLog: noKernelLog})
	if got := dialCause(t, addr); len(fs) != 1 || fs[0].Cause != got.String() || fs[0].Upstream != "be/app" {
		t.Fatalf("connect gets %s; findings %+v", got, fs)
	}
	f := fs[0]
	if !strings.HasPrefix(f.Evidence[0], "nft inet bgw/input handle ") || !strings.HasSuffix(f.Evidence[0], ": tcp dport "+port+" reject with tcp reset") {
		t.Errorf("evidence %q", f.Evidence[0])
	}
	cmd := f.Fix[strings.Index(f.Fix, "nft delete"):strings.Index(f.Fix, " (and")]
	args := strings.Fields(cmd)
	netnstest.MustRun(t, args[0], args[1:]...)
	if got := dialCause(t, addr); got != cause.None {
		t.Fatalf("after %q: %s", cmd, got)
	}
	if fs, _ := NetworkChecks(context.Background(), []probe.Target{{Address: addr}}, NetworkOptions{KernelLog: noKernelLog}); len(fs) != 0 {
		t.Fatalf("after the fix: %+v", fs)
	}
}

// TestRouteLive asks the kernel of a namespace with only lo for routes.
func TestRouteLive(t *testing.T) {
	if !inNetns(t, []string{"route", "add", "unreachable", "192.0.2.0/24"}, []string{"route", "add", "prohibit", "203.0.113.0/24"}) {
		return
	}
	targets := []probe.Target{
		{Address: "192.0.2.1:80", Proxy: "nginx", Module: probe.ModuleHTTP, Where: "nginx.conf:9"},
		{Address: "198.51.100.1:80"},
		{Address: "203.0.113.1:80"},
		{Address: "[2001:db8::1]:80"},
		{Address: "127.0.0.1:80"}, // this host: routed
	}
	fs, _ := NetworkChecks(context.Background(), targets, NetworkOptions{KernelLog: noKernelLog, Run: fakeRun(t, nil, nil)})
	want := "192.0.2.1:80=host_unreachable 198.51.100.1:80=network_unreachable 203.0.113.1:80=permission_denied [2001:db8::1]:80=network_unreachable"
	if got := findingKeys(fs); got != want {
		t.Fatalf("findings %s, want %s", got, want)
	}
	if !strings.Contains(fs[0].Fix, "proxy_pass at nginx.conf:9") || fs[0].Check != diagnose.CheckNetwork {
		t.Errorf("%+v", fs[0])
	}
	for i, a := range []string{"192.0.2.1:80", "198.51.100.1:80", "203.0.113.1:80"} {
		if got := dialCause(t, a).String(); got != fs[i].Cause {
			t.Errorf("%s: connect gets %s, the finding says %s", a, got, fs[i].Cause)
		}
	}
}

// TestKernelLogLive reads the real kernel log without blocking: it returns
// (the read ends at EAGAIN), with the boot time applied.
func TestKernelLogLive(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	now := time.Now()
	lines, err := readKernelLog(ctx, "/proc", now, runCommand)
	if err != nil {
		t.Skipf("the kernel log is not readable here: %v", err)
	}
	if len(lines) == 0 || lines[len(lines)-1].Time.IsZero() || lines[len(lines)-1].Time.After(now.Add(time.Minute)) {
		t.Fatalf("%d lines, last %+v", len(lines), lines[len(lines)-1:])
	}
}
