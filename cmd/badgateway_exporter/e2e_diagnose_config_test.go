package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/haproxytest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/internal/procout"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// TestDiagnoseUnixSocketWorkerCannotOpen: nginx's workers run as nobody and
// the app's socket is root's, mode 0600. diagnose runs as root, so its own
// probe gets through: the finding comes from comparing the socket's owner
// and mode with nginx's user directive.
func TestDiagnoseUnixSocketWorkerCannotOpen(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: nginx switches its workers to nobody only when started as root")
	}
	dir, err := os.MkdirTemp("", "diagsock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "app.sock")
	serveHTTP(t, "unix", sock)
	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}
	ngx := startNginxConf(t, "user nobody nogroup;", fmt.Sprintf(`location / { proxy_pass http://unix:%s:/; }`, sock))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.conf, "--url="+ngx.url)
	f := topFinding(t, r, code, stderr)
	expectTop(t, f, "permission_denied", "unix:"+sock, "chown nobody:nogroup "+sock, "`user`")
	if !hasEvidence(f, "answered 502") || !hasEvidence(f, "srw-------") {
		t.Errorf("evidence %q", f.Evidence)
	}
}

// TestDiagnoseUpstreamNameDoesNotResolve: proxy_pass through a variable,
// resolved per request by nginx's resolver (a loopback DNS server that
// knows no name): the name is looked up there, never in real DNS.
func TestDiagnoseUpstreamNameDoesNotResolve(t *testing.T) {
	dns := probetest.DNSServer(t, nil)
	ngx := nginxtest.Start(t, fmt.Sprintf(`
resolver %s valid=1s;
server {
    listen {{listen}};
    location / {
        set $app nothere.diag.test;
        proxy_pass http://$app:8080;
    }
}`, dns))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/"))
	f := topFinding(t, r, code, stderr)
	expectTop(t, f, "dns_failure", "nothere.diag.test:8080", "`set $app nothere.diag.test` at "+ngx.ConfigPath()+":")
	if !hasEvidence(f, "answered 502") {
		t.Errorf("evidence %q", f.Evidence)
	}
}

// TestDiagnoseHAProxyCheckPath404: HAProxy's httpchk path answers 404, so
// the server is DOWN although the app runs.
func TestDiagnoseHAProxyCheckPath404(t *testing.T) {
	app := serveHTTP(t, "tcp", "127.0.0.1:0")
	fe := loopback.FreeTCPAddr(t)
	h := haproxytest.Start(t, fmt.Sprintf(`
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind %s
    default_backend be_app
backend be_app
    option httpchk GET /health
    server s1 %s check inter 500ms
`, fe, app))
	r, code, stderr := diagnoseJSON(t, "--haproxy.config="+h.ConfigPath())
	f := topFinding(t, r, code, stderr)
	expectTop(t, f, "unhealthy_status", "be_app/s1", "option httpchk GET", "backend be_app")
	if !hasEvidence(f, "status 404") {
		t.Errorf("evidence %q", f.Evidence)
	}
}

// serveHTTP serves 200 on every path but /health (404) until the test
// ends, and returns the address.
func serveHTTP(t *testing.T, network, addr string) string {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "ok")
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// ownNginx is an nginx started on a configuration of the test's own (the
// nginxtest harness fixes `user root root` when run as root).
type ownNginx struct{ conf, url string }

// startNginxConf runs nginx with mainExtra in its main context and
// location in its one server, on a free loopback port, until the test ends.
func startNginxConf(t *testing.T, mainExtra, location string) ownNginx {
	t.Helper()
	return startNginxEvents(t, "worker_connections 64;", mainExtra, location)
}

// startNginxEvents is startNginxConf with events as the events block.
func startNginxEvents(t *testing.T, events, mainExtra, location string) ownNginx {
	t.Helper()
	bin := nginxtest.RequireBinary(t)
	dir := t.TempDir()
	port := loopback.FreeTCPPort(t)
	conf := filepath.Join(dir, "nginx.conf")
	text := fmt.Sprintf(`daemon off;
master_process on;
worker_processes 1;
%[2]s
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { %[5]s }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen 127.0.0.1:%[3]d;
        %[4]s
    }
}
`, dir, mainExtra, port, location, events)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf, "-e", "stderr")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out := &procout.Buffer{Max: 64 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	done := startProcessGroup(t, cmd)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-done:
			t.Fatalf("nginx exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx does not listen on %s after 30s: %s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ownNginx{conf: conf, url: "http://" + addr + "/"}
}
