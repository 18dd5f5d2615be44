package discover

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/haproxy"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
	"github.com/badgateway/badgateway_exporter/probe"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// The probe metrics must join the log metrics: for the same failing
// upstream, the probe's upstream label and cause are the log classifier's.
// These tests make real nginx and HAProxy fail against local peers, classify
// their own log lines with logparse, probe the discovered targets, and
// compare.

// peers starts one loopback peer per failure and returns their addresses.
func peers(t *testing.T) map[string]string {
	serve := func(h func(net.Conn)) string { return probetest.Serve(t, "tcp", "127.0.0.1:0", h).Addr().String() }
	reply := func(s string) func(net.Conn) {
		return func(c net.Conn) { probetest.ReadRequest(c); _, _ = io.WriteString(c, s) }
	}
	return map[string]string{
		"refused": probetest.ClosedPort(t),
		"slow":    serve(probetest.Stall),
		"close":   serve(probetest.ReadRequest),
		"reset":   serve(func(c net.Conn) { probetest.ReadRequest(c); probetest.Reset(c) }),
		"invalid": serve(reply("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n")),
		"banner":  serve(reply("SSH-2.0-OpenSSH_9.2\r\n")),
		"five":    serve(reply("HTTP/1.0 500 Internal Server Error\r\n\r\n")),
	}
}

// probeFailures probes targets (timeout 300 ms) until every wanted
// upstream/cause pair has failed at least once, and returns what failed.
func probeFailures(t *testing.T, targets []probe.Target, want map[string]bool) map[string]bool {
	s, err := probe.New(probe.Options{Interval: time.Second, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.SetTargets(targets)
	s.Start()
	defer s.Stop()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(s)
	got := map[string]bool{}
	for i := 0; i < 300; i++ {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != "badgateway_probe_failures_total" {
				continue
			}
			for _, m := range mf.GetMetric() {
				l := map[string]string{}
				for _, lp := range m.GetLabel() {
					l[lp.GetName()] = lp.GetValue()
				}
				got[l["upstream"]+" "+l["cause"]] = true
			}
		}
		missing := false
		for k := range want {
			missing = missing || !got[k]
		}
		if !missing {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return got
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestProbesAgreeWithNginxLogs(t *testing.T) {
	p := peers(t)
	var locs strings.Builder
	for _, name := range []string{"refused", "slow", "close", "reset", "invalid", "banner"} {
		fmt.Fprintf(&locs, "        location /%s { proxy_pass http://%s; }\n", name, p[name])
	}
	n := nginxtest.Start(t, `
    server {
        listen {{listen}};
        proxy_read_timeout 300ms;
`+locs.String()+`        location /sock { proxy_pass http://unix:{{dir}}/missing.sock:; }
    }`)
	for _, path := range []string{"/refused", "/slow", "/close", "/reset", "/invalid", "/banner", "/sock"} {
		if _, _, err := n.Get(path); err != nil {
			t.Logf("GET %s: %v", path, err)
		}
	}
	fromLogs := map[string]bool{}
	for i := 0; i < 200 && len(fromLogs) < 7; i++ {
		lines, err := n.ErrorLogLines()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if s := nginxerror.ClassifyLine(l); s.Cause != cause.None {
				fromLogs[s.Upstream+" "+s.Cause.String()] = true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(fromLogs) != 7 {
		t.Fatalf("nginx logged %d classified failures, want 7: %q", len(fromLogs), keys(fromLogs))
	}
	targets, _, err := NginxFile(n.ConfigPath(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromProbes := probeFailures(t, targets, fromLogs)
	for k := range fromLogs {
		if !fromProbes[k] {
			t.Errorf("nginx logged %q, the probes did not: they saw %q", k, keys(fromProbes))
		}
	}
}

func TestProbesAgreeWithHAProxyLogs(t *testing.T) {
	bin := requireHAProxy(t)
	p := peers(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global
    log stderr format raw local0
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 300ms
backend be
    option httpchk GET /health
    default-server check inter 200ms fall 1 rise 1
    server dead %s
    server five %s
    server slow %s
    server sock unix@%s/missing.sock
frontend fe
    bind 127.0.0.1:%d
    default_backend be
`, p["refused"], p["five"], p["slow"], dir, nginxtest.FreePort(t))
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-db", "-f", path)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	fromLogs := map[string]bool{}
	for i := 0; i < 300 && len(fromLogs) < 4; i++ {
		for _, l := range strings.Split(out.String(), "\n") {
			if s := haproxy.ClassifyLine(l); s.Emitted && s.Cause != cause.None && s.Kind == logparse.KindHealth && !s.NoLiveUpstreams {
				fromLogs[s.Upstream+" "+s.Cause.String()] = true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(fromLogs) != 4 {
		t.Fatalf("haproxy logged %d classified failures, want 4: %q\n%s", len(fromLogs), keys(fromLogs), out.String())
	}
	targets, _, err := HAProxy(path)
	if err != nil {
		t.Fatal(err)
	}
	fromProbes := probeFailures(t, targets, fromLogs)
	for k := range fromLogs {
		if !fromProbes[k] {
			t.Errorf("haproxy logged %q, the probes did not: they saw %q", k, keys(fromProbes))
		}
	}
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
