package hostcheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

// fakeRun answers commands from testdata, or with err.
func fakeRun(t *testing.T, files map[string]string, err error) func(context.Context, string, ...string) ([]byte, error) {
	return func(_ context.Context, name string, _ ...string) ([]byte, error) {
		if f, ok := files[name]; ok {
			return []byte(readTestdata(t, f)), nil
		}
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", name, errNotInstalled)
	}
}

func noKernelLog(context.Context) ([]KernelLine, error) { return nil, nil }

func findingKeys(fs []diagnose.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Upstream+"="+f.Cause)
	}
	return strings.Join(out, " ")
}

func TestNetworkFirewallDeduplicated(t *testing.T) {
	targets := []probe.Target{
		{Address: "127.0.0.1:5000", Proxy: "nginx", Module: probe.ModuleHTTP, Where: "nginx.conf:20"},
		{Address: "127.0.0.1:5001", Proxy: "nginx", Module: probe.ModuleHTTP},
	}
	opts := NetworkOptions{SysRoot: t.TempDir(), KernelLog: noKernelLog,
		Run: fakeRun(t, map[string]string{"iptables-save": "iptables-save.txt", "nft": "nft-from-iptables.json"}, nil)}
	fs, skipped := NetworkChecks(context.Background(), targets, opts)
	// iptables-save's DROP on 5000; nft shows the same rule again through
	// iptables-nft: reported once. ip6tables-save is not installed here.
	if got := findingKeys(fs); got != "127.0.0.1:5000=connect_timeout" {
		t.Fatalf("findings %s", got)
	}
	f := fs[0]
	if f.Evidence[0] != "iptables filter/INPUT: -A INPUT -p tcp -m tcp --dport 5000 -j DROP" ||
		!strings.Contains(f.Fix, "iptables -D INPUT -p tcp -m tcp --dport 5000 -j DROP") ||
		f.Check != diagnose.CheckNetwork || f.Severity != diagnose.Critical || f.Runbook != "docs/runbook.md#connect_timeout" {
		t.Errorf("finding %+v", f)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "SELinux not enabled") {
		t.Errorf("skipped %+v", skipped)
	}
}

func TestNetworkSkipped(t *testing.T) {
	targets := []probe.Target{{Address: "127.0.0.1:5000"}}
	denied := errors.New("exit status 1: Permission denied (you must be root)")
	opts := NetworkOptions{SysRoot: t.TempDir(), Run: fakeRun(t, nil, denied),
		KernelLog: func(context.Context) ([]KernelLine, error) { return nil, os.ErrPermission }}
	fs, skipped := NetworkChecks(context.Background(), targets, opts)
	var reasons []string
	for _, s := range skipped {
		reasons = append(reasons, s.Reason)
		if s.Check != diagnose.CheckNetwork {
			t.Errorf("check %q", s.Check)
		}
	}
	all := strings.Join(reasons, "\n")
	for _, want := range []string{"iptables-save: " + denied.Error(), "ip6tables-save", "nft -j list ruleset", "SELinux not enabled", "kernel log: permission denied"} {
		if !strings.Contains(all, want) {
			t.Errorf("skipped reasons lack %q:\n%s", want, all)
		}
	}
	if len(fs) != 0 {
		t.Errorf("findings %+v", fs)
	}
	opts.Run = fakeRun(t, nil, nil) // nothing installed
	_, skipped = NetworkChecks(context.Background(), targets, opts)
	if !strings.Contains(fmt.Sprint(skipped), "neither iptables-save nor nft is installed") {
		t.Errorf("skipped %+v", skipped)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNetworkSELinux(t *testing.T) {
	sys := t.TempDir()
	writeFile(t, filepath.Join(sys, "fs/selinux/enforce"), "1")
	writeFile(t, filepath.Join(sys, "fs/selinux/booleans/httpd_can_network_connect"), "0 0")
	writeFile(t, filepath.Join(sys, "fs/selinux/booleans/haproxy_connect_any"), "1 1")
	targets := []probe.Target{
		{Address: "127.0.0.1:5000", Proxy: "nginx"},
		{Address: "127.0.0.1:8443", Proxy: "nginx"}, // http_port_t: allowed
		{Address: "unix:/run/app.sock", Proxy: "nginx"},
		{Address: "127.0.0.1:5001", Proxy: "haproxy", Upstream: "be/s1"},
	}
	opts := NetworkOptions{SysRoot: sys, KernelLog: noKernelLog, Run: fakeRun(t, nil, nil)}
	fs, _ := NetworkChecks(context.Background(), targets, opts)
	if got := findingKeys(fs); got != "127.0.0.1:5000=permission_denied" {
		t.Fatalf("findings %s", got)
	}
	if fs[0].Fix != "setsebool -P httpd_can_network_connect 1" {
		t.Errorf("fix %q", fs[0].Fix)
	}
	writeFile(t, filepath.Join(sys, "fs/selinux/enforce"), "0")
	if fs, _ := NetworkChecks(context.Background(), targets, opts); len(fs) != 0 {
		t.Errorf("permissive: %+v", fs)
	}
}

func TestNetworkOOMKills(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	log := []KernelLine{
		{Time: now.Add(-3 * time.Hour), Text: "Out of memory: Killed process 700 (node) total-vm:1kB"},
		{Time: now.Add(-10 * time.Minute), Text: "Out of memory: Killed process 812 (node) total-vm:1204kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:20kB oom_score_adj:0"},
		{Time: now.Add(-5 * time.Minute), Text: "Memory cgroup out of memory: Killed process 900 (gunicorn) total-vm:1kB"},
		{Time: now.Add(-4 * time.Minute), Text: "Out of memory: Killed process 901 (sshd) total-vm:1kB"},
		{Time: now.Add(-1 * time.Minute), Text: "Out of memory: Killed process 902 (java) total-vm:1kB"},
	}
	targets := []probe.Target{{Address: "127.0.0.1:3000"}, {Address: "127.0.0.1:5000"}}
	ls := []Listener{tcpL("127.0.0.1:3000", "node", 950)} // node was restarted
	opts := NetworkOptions{SysRoot: t.TempDir(), Run: fakeRun(t, nil, nil), Listeners: ls, Now: now, Since: time.Hour,
		KernelLog: func(context.Context) ([]KernelLine, error) { return log, nil }}
	fs, _ := NetworkChecks(context.Background(), targets, opts)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s:%s:%s", f.Severity, f.Upstream, strings.SplitN(f.Summary, " at ", 2)[0]))
	}
	// node (812) is tied to :3000 where node listens again; gunicorn and
	// java to :5000 where nothing listens; sshd is no application; pid 700
	// is older than an hour.
	want := []string{
		"critical:127.0.0.1:3000:the kernel's OOM killer killed node (pid 812)",
		"critical:127.0.0.1:5000:the kernel's OOM killer killed gunicorn (pid 900)",
		"critical:127.0.0.1:5000:the kernel's OOM killer killed java (pid 902)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !fs[0].Seen.Equal(now.Add(-10*time.Minute)) || !strings.Contains(fs[0].Evidence[0], "Killed process 812 (node)") {
		t.Errorf("%+v", fs[0])
	}
	opts.Listeners = nil
	opts.KernelLog = func(context.Context) ([]KernelLine, error) { return log[1:2], nil }
	if fs, _ := NetworkChecks(context.Background(), []probe.Target{{Address: "192.0.2.1:80"}}, opts); len(fs) != 1 ||
		fs[0].Severity != diagnose.Warning || fs[0].Upstream != "" {
		t.Errorf("untied kill: %+v", fs)
	}
}

func TestNetworkWorkerConnections(t *testing.T) {
	lines := []string{
		"2026/12/02 03:00:00 [alert] 10#10: 512 worker_connections are not enough",
		"2026/12/02 03:00:01 [error] 10#10: *5 connect() failed",
		"2026/12/02 03:00:02 [alert] 10#10: 512 worker_connections are not enough while connecting to upstream",
	}
	opts := NetworkOptions{SysRoot: t.TempDir(), Run: fakeRun(t, nil, nil), KernelLog: noKernelLog, ProxyLog: lines}
	fs, _ := NetworkChecks(context.Background(), nil, opts)
	if len(fs) != 1 || fs[0].Cause != "proxy_resource_exhausted" || fs[0].Evidence[0] != lines[2] ||
		!strings.Contains(fs[0].Fix, "worker_connections") {
		t.Fatalf("%+v", fs)
	}
}

func TestWorkerConnectionsLimit(t *testing.T) {
	for line, want := range map[string]int{
		"2026/12/02 03:00:00 [alert] 10#10: 512 worker_connections are not enough":                               512,
		"2026/12/02 03:00:00 [alert] 10#10: *5 4 worker_connections are not enough while connecting to upstream": 4,
		"worker_connections are not enough":                               0,
		" worker_connections are not enough":                              0,
		"99999999999999999999999 worker_connections are not enough":       0,
		"\xff\xfe 7 worker_connections are not enough":                    7,
		"a connect() failed":                                              0,
		strings.Repeat("9", 1<<16) + " worker_connections are not enough": 0,
	} {
		if got := WorkerConnectionsLimit(line); got != want {
			t.Errorf("%.60q: %d, want %d", line, got, want)
		}
	}
}
