package syslog

// End-to-end: a real HAProxy logs a failed request to the listener, with
// its configuration unchanged from what users write for rsyslog.

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/haproxytest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

// haproxyConfig is haproxy.cfg: %[1]s the global log lines, %[2]s extra
// sections, %[3]d the frontend port, %[4]d a closed backend port.
const haproxyConfig = `global
  %[1]s
%[2]s
defaults
  mode http
  log global
  option httplog
  option dontlognull
  retries 0
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:%[3]d
  default_backend be
backend be
  server s1 127.0.0.1:%[4]d
`

func TestHAProxyEndToEnd(t *testing.T) {
	bin := haproxytest.Binary(t)
	sockDir := shortTempDir(t)
	ring := `ring r
  format rfc5424
  maxlen 4096
  size 32764
  timeout connect 2s
  timeout server 5s
  server s 127.0.0.1:{port} log-proto octet-count`
	// In global and extra, {port} is the listener's port, {addr} its address.
	tests := []struct {
		name, listen, global, extra string
		format                      Format
		hostname                    bool // HAProxy sends one
	}{
		{"udp default format", "udp://127.0.0.1:0", "log 127.0.0.1:{port} local0", "", RFC3164, false},
		{"udp rfc5424", "udp://127.0.0.1:0", "log 127.0.0.1:{port} format rfc5424 local0", "", RFC5424, false},
		{"unixgram", "unixgram://" + filepath.Join(sockDir, "h.sock"), "log {addr} local0", "", RFC3164, false},
		{"tcp newline, hostname", "tcp://127.0.0.1:0", "log tcp@127.0.0.1:{port} local0\n  log-send-hostname", "", RFC3164, true},
		{"tcp octet counting", "tcp://127.0.0.1:0", "log ring@r local0", ring, RFC5424, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, rec := startListener(t, Config{Listen: tt.listen})
			port := 0
			if a, ok := l.Addr().(interface{ AddrPort() netip.AddrPort }); ok {
				port = int(a.AddrPort().Port())
			}
			r := strings.NewReplacer("{port}", fmt.Sprint(port), "{addr}", l.Addr().String())
			fe := startHAProxy(t, bin, r.Replace(tt.global), r.Replace(tt.extra))
			client := &http.Client{Timeout: waitTimeout, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
			resp, err := client.Get("http://" + fe + "/e2e")
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503", resp.StatusCode)
			}
			rec.waitUntil(t, "the request's log line", func(msgs []got, _ []Event) bool {
				for _, m := range msgs {
					if m.Tag == "haproxy" && strings.Contains(m.Content, " 503 ") && strings.Contains(m.Content, "SC--") {
						if m.Format != tt.format || (m.Host != "") != tt.hostname || m.Facility != 16 || m.Severity != 6 || m.PID == "" ||
							!strings.HasPrefix(m.Content, "127.0.0.1:") || !strings.HasSuffix(m.Content, `"GET /e2e HTTP/1.1"`) {
							t.Errorf("message %+v", m)
						}
						return true
					}
				}
				return false
			})
			if n := rec.count(Malformed); n != 0 {
				t.Errorf("%d Malformed events", n)
			}
		})
	}
}

// startHAProxy runs haproxy in the foreground with the given global log
// lines and returns its frontend address. It is killed at test end.
func startHAProxy(t *testing.T, bin, global, extra string) string {
	t.Helper()
	fePort, closedPort := nginxtest.FreePort(t), nginxtest.FreePort(t)
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(haproxyConfig, global, extra, fePort, closedPort)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &procout.Buffer{Max: 64 << 10}
	cmd := exec.Command(bin, "-f", cfg, "-db")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { stopProcess(t, cmd, exited) })

	fe := fmt.Sprintf("127.0.0.1:%d", fePort)
	for range 100 {
		select {
		case <-exited:
			t.Fatalf("haproxy exited: %s", out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", fe, time.Second); err == nil {
			_ = c.Close() // dontlognull: no log line
			return fe
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("haproxy not listening on %s after 5s: %s", fe, out.String())
	return ""
}

// stopProcess ends cmd's process group: SIGTERM, then SIGKILL after 3s.
func stopProcess(t *testing.T, cmd *exec.Cmd, exited <-chan struct{}) {
	pgid := -cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-exited:
		return
	case <-time.After(3 * time.Second):
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	select {
	case <-exited:
	case <-time.After(3 * time.Second):
		t.Errorf("process %d did not exit after SIGKILL", cmd.Process.Pid)
	}
}

// shortTempDir returns a temp dir with a short path, for unix sockets
// (107 bytes at most); it is removed at test end.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "bgsl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}
