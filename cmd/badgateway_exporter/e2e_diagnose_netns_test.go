package main

import (
	"fmt"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
)

// TestDiagnoseLocalhostResolvesToIPv6First: in a network namespace of its
// own, whose /etc/hosts lists ::1 before 127.0.0.1 for localhost, nginx
// passes to localhost:PORT while the app listens on 127.0.0.1:PORT only.
// nginx tries [::1]:PORT first and is refused; diagnose checks every
// address localhost resolves to and says to pin 127.0.0.1.
func TestDiagnoseLocalhostResolvesToIPv6First(t *testing.T) {
	if !netnstest.InNamespaceHosts(t, "bgxdiag", "::1 localhost\n127.0.0.1 localhost\n") {
		return
	}
	// One nginx is both the proxy and the app (127.0.0.1:port only).
	port := loopback.FreeTCPPort(t)
	ngx := startNginxConf(t, "", fmt.Sprintf(`location / { proxy_pass http://localhost:%[1]d; }
    }
    server {
        listen 127.0.0.1:%[1]d;
        location / { return 200 "app\n"; }`, port))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.conf, "--url="+ngx.url)
	f := topFinding(t, r, code, stderr)
	where := fmt.Sprintf("%s:%d", ngx.conf, lineNumber(t, ngx.conf, "proxy_pass"))
	expectTop(t, f, "connection_refused", fmt.Sprintf("[::1]:%d", port), fmt.Sprintf("`proxy_pass http://127.0.0.1:%d` at %s", port, where))
	for _, g := range r.Findings {
		if g.Upstream == fmt.Sprintf("127.0.0.1:%d", port) {
			t.Errorf("the address that answers has a finding: %+v", g)
		}
	}
}
