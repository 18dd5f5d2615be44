package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// TestDiagnoseBackendSlowerThanReadTimeout: the app answers after 3 s,
// nginx gives up after proxy_read_timeout 1s (504). diagnose reads the
// error log nginx.conf names and points at the proxy_read_timeout line.
func TestDiagnoseBackendSlowerThanReadTimeout(t *testing.T) {
	slow := backend.Slow(t, 3*time.Second)
	ngx := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen {{listen}};
    location / {
        proxy_read_timeout 1s;
        proxy_pass http://%s;
    }
}`, slow))
	if status, _, err := ngx.Get("/"); err != nil || status != 504 {
		t.Fatalf("GET /: %d %v, want 504", status, err)
	}
	if _, err := ngx.WaitErrorLog("upstream timed out"); err != nil {
		t.Fatal(err)
	}
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath())
	f := topFinding(t, r, code, stderr)
	expectTop(t, f, "read_timeout", slow, "raise `proxy_read_timeout ", "` at "+ngx.ConfigPath()+":")
	if !hasEvidence(f, "proxy_read_timeout 1s") || !hasEvidence(f, "upstream timed out") {
		t.Errorf("evidence %q", f.Evidence)
	}
	if !containsString(r.Checked.Logs, ngx.ErrorLogPath()) || !containsString(r.Checked.Ran, diagnose.CheckLogs) {
		t.Errorf("checked %+v", r.Checked)
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
