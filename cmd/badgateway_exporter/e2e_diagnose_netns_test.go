package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// TestDiagnoseLocalhostResolvesToIPv6First: in a network namespace of its
// own, whose /etc/hosts (ip netns exec bind-mounts /etc/netns/NAME/hosts)
// lists ::1 before 127.0.0.1 for localhost, nginx passes to
// localhost:3000 while the app listens on 127.0.0.1:3000 only. nginx tries
// [::1]:3000 first and is refused; diagnose checks every address localhost
// resolves to and says to pin 127.0.0.1.
func TestDiagnoseLocalhostResolvesToIPv6First(t *testing.T) {
	if os.Geteuid() != 0 {
		msg := "needs root to create a network namespace"
		if nginxtest.E2ERequired() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ngxBin := nginxtest.RequireBinary(t)
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Fatalf("iproute2: %v", err)
	}
	bin := exportertest.Binary(t)
	ns := fmt.Sprintf("bgxdiag%d", os.Getpid())
	ip2 := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	hostsDir := filepath.Join("/etc/netns", ns)
	if err := os.MkdirAll(hostsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(hostsDir)
		_ = os.Remove("/etc/netns") // only when empty: another namespace may use it
	})
	if err := os.WriteFile(filepath.Join(hostsDir, "hosts"), []byte("::1 localhost\n127.0.0.1 localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ip2("netns", "add", ns)
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "delete", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v: %s", ns, err, out)
		}
	})
	ip2("-n", ns, "link", "set", "lo", "up")

	// The namespace is new: its ports are all free. One nginx is both the
	// proxy (8080) and the app (127.0.0.1:3000 only).
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	text := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 64; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://localhost:3000; }
    }
    server {
        listen 127.0.0.1:3000;
        location / { return 200 "app\n"; }
    }
}
`, dir)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ngx := exec.Command(ip, "netns", "exec", ns, ngxBin, "-c", conf, "-e", "stderr")
	ngx.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := ngx.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = ngx.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-ngx.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-ngx.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	waitPIDFile(t, filepath.Join(dir, "nginx.pid"), done)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, ip, "netns", "exec", ns, bin, "diagnose", "--output=json", "--nginx.config="+conf, "--url=http://127.0.0.1:8080/")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var r diagnose.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("exit %d: %v: %s\n%s", code, err, stdout.String(), stderr.String())
	}
	f := topFinding(t, r, code, stderr.String())
	expectTop(t, f, "connection_refused", "[::1]:3000", "`proxy_pass http://127.0.0.1:3000` at "+conf+":15")
	for _, g := range r.Findings {
		if g.Upstream == "127.0.0.1:3000" {
			t.Errorf("the address that answers has a finding: %+v", g)
		}
	}
}

// waitPIDFile waits until nginx has written its pid file (it listens by
// then), failing if it exits first.
func waitPIDFile(t *testing.T, path string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
			return
		}
		select {
		case <-exited:
			t.Fatal("nginx exited")
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("nginx did not write its pid file within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
