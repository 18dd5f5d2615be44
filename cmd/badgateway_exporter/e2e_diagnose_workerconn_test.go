package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// TestDiagnoseWorkerConnectionsNotEnough: nginx with worker_connections 4
// (one is its listening socket) gets parallel requests to a slow app and
// logs "4 worker_connections are not enough". diagnose reads that from
// the error log and names the directive, its file:line and the values to
// set. The app answers after 2 s, so that the 12 requests overlap even
// when a loaded machine starts them slowly.
func TestDiagnoseWorkerConnectionsNotEnough(t *testing.T) {
	slow := backend.Slow(t, 2*time.Second)
	ngx := startNginxEvents(t, "worker_connections 4;", "", "location / { proxy_pass http://"+slow+"; }")
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := client.Get(ngx.url); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	errorLog := strings.TrimSuffix(ngx.conf, "nginx.conf") + "error.log"
	if _, err := nginxtest.WaitForLine(errorLog, "worker_connections are not enough"); err != nil {
		t.Fatal(err)
	}
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.conf)
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	n := 0
	for _, f := range r.Findings {
		if f.Cause != "proxy_resource_exhausted" {
			continue
		}
		n++
		if f.Upstream != "" || !f.Failing || !strings.Contains(f.Summary, "worker_connections (4 per worker)") {
			t.Errorf("finding %+v", f)
		}
		for _, want := range []string{"`worker_connections 4` at " + ngx.conf + ":7", "`worker_connections 4096;`", "`worker_rlimit_nofile 8192;`"} {
			if !strings.Contains(f.Fix, want) {
				t.Errorf("fix %q does not name %q", f.Fix, want)
			}
		}
		if !hasEvidence(f, "worker_connections are not enough") || !hasEvidence(f, "× proxy_resource_exhausted from the proxy") {
			t.Errorf("evidence %q", f.Evidence)
		}
	}
	if n != 1 {
		t.Errorf("%d proxy_resource_exhausted findings, want 1: %+v", n, r.Findings)
	}
}
