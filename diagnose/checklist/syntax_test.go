package checklist

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

func TestSyntaxCheckRunsNginxT(t *testing.T) {
	bin := nginxtest.RequireBinary(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(bad, []byte("events {}\nhttp { server { listen 127.0.0.1:1; location / { proxy_pass http://$nope; } } }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := nginxtest.PrefixArgs(t)
	f, s := syntaxCheck(context.Background(), &Proxy{Kind: "nginx", File: bad, Binary: bin, Args: args}, 30*time.Second)
	if s != nil || f == nil || f.Severity != diagnose.Warning || !strings.Contains(strings.Join(f.Evidence, ""), `unknown "nope" variable`) || !strings.Contains(f.Fix, "nginx -t") {
		t.Fatalf("finding %+v skipped %+v", f, s)
	}
	good := filepath.Join(dir, "good.conf")
	if err := os.WriteFile(good, []byte("events {}\nhttp { server { listen 127.0.0.1:1; } }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, s := syntaxCheck(context.Background(), &Proxy{Kind: "nginx", File: good, Binary: bin, Args: args}, 30*time.Second); f != nil || s != nil {
		t.Fatalf("a good config: %+v %+v", f, s)
	}
	if f, s := syntaxCheck(context.Background(), &Proxy{Kind: "haproxy", File: good}, time.Second); f != nil || s == nil || !strings.Contains(s.Reason, "haproxy -c") {
		t.Fatalf("no binary: %+v %+v", f, s)
	}
}

// An nginx -t that leaves a grandchild holding its output open, and does
// not finish, is skipped once the timeout passes: the check does not wait
// for the grandchild.
func TestSyntaxCheckGrandchildHoldsThePipe(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	bin := filepath.Join(dir, "nginx")
	script := "#!/bin/sh\nsleep 600 &\necho $! >" + pidFile + "\nexec sleep 600\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	type result struct {
		f *diagnose.Finding
		s *diagnose.Skipped
	}
	done := make(chan result, 1)
	go func() {
		f, s := syntaxCheck(context.Background(), &Proxy{Kind: "nginx", File: filepath.Join(dir, "nginx.conf"), Binary: bin}, 200*time.Millisecond)
		done <- result{f, s}
	}()
	select {
	case r := <-done:
		if r.f != nil || r.s == nil || !strings.Contains(r.s.Reason, "did not finish") {
			t.Errorf("finding %+v skipped %+v, want skipped: did not finish", r.f, r.s)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("nginx -t still waited on 60s after its timeout: the grandchild's pipe blocks it")
	}
}
