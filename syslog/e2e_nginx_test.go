package syslog

// End-to-end: a real nginx logs an upstream connection failure to the
// listener with `error_log syslog:server=...,tag=nginx`.

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// nginxHTTP is the http block: {server} is the syslog server parameter,
// {closed} a closed upstream port.
const nginxHTTP = `
    error_log syslog:server={server},tag=nginx error;
    server {
        listen {{listen}};
        location / {
            proxy_pass http://127.0.0.1:{closed};
        }
    }
`

func TestNginxEndToEnd(t *testing.T) {
	nginxtest.RequireBinary(t)
	sockDir := shortTempDir(t)
	tests := []struct {
		name, listen string
		hostname     bool
	}{
		{"udp", "udp://127.0.0.1:0", true},
		{"unixgram", "unixgram://" + filepath.Join(sockDir, "n.sock"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, rec := startListener(t, Config{Listen: tt.listen})
			server := "unix:" + l.Addr().String()
			if a, ok := l.Addr().(interface{ AddrPort() netip.AddrPort }); ok {
				server = fmt.Sprintf("127.0.0.1:%d", a.AddrPort().Port())
			}
			conf := strings.NewReplacer("{server}", server, "{closed}", fmt.Sprint(nginxtest.FreePort(t))).Replace(nginxHTTP)
			ngx := nginxtest.Start(t, conf)
			status, _, err := ngx.Get("/e2e")
			if err != nil || status != 502 {
				t.Fatalf("GET: %d, %v; want 502", status, err)
			}
			rec.waitUntil(t, "the connect() error", func(msgs []got, _ []Event) bool {
				for _, m := range msgs {
					if m.Tag == "nginx" && strings.Contains(m.Content, "connect() failed (111") {
						if m.Format != RFC3164 || (m.Host != "") != tt.hostname || m.Facility != 23 || m.Severity != 3 ||
							!strings.Contains(m.Content, " [error] ") || !strings.HasPrefix(m.Content, "20") {
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
