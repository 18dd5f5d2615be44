package checklist

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
