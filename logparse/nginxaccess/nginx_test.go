package nginxaccess

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

var updateAccess = flag.Bool("update-access", false, "rewrite testdata/access-nginx-1.22*.log from the real nginx")

// realConfig is the http block of TestAccessRealNginx: %[1]s to %[3]s are
// the formats, %[4]s to %[16]s the peers DEAD0 … DEAD7, LIVE, BAD1, BAD2,
// NEVER, INVALID of realScenario.addrs.
const realConfig = `
log_format upstream '%[1]s';
log_format upjson escape=json '%[2]s';
log_format upstreaminfo '%[3]s';
map $host $proxy_upstream_name { default "default-shop-80"; }
map $host $proxy_alternative_upstream_name { default ""; }
map $host $req_id { default $request_id; }

upstream retry_group { server %[4]s max_fails=0; server %[12]s backup; }
upstream dead_group { server %[5]s max_fails=0; server %[6]s max_fails=0; }
upstream nolive_group { server %[7]s; server %[8]s; }
upstream both502 { server %[13]s; server %[14]s; }
upstream fallback_group { server %[10]s max_fails=0; server %[11]s max_fails=0; }

server {
    listen {{listen}};
    server_name shop.test;
    access_log {{dir}}/logs/upstream.log upstream;
    access_log {{dir}}/logs/upjson.log upjson;
    access_log {{dir}}/logs/upstreaminfo.log upstreaminfo;

    location /ok { proxy_pass http://%[12]s; }
    location /escape { proxy_pass http://%[12]s; }
    location /retry { proxy_pass http://retry_group; proxy_next_upstream error; }
    location /dead { proxy_pass http://dead_group; }
    location /nolive { proxy_pass http://nolive_group; }
    location /backend502 { proxy_pass http://%[13]s; }
    location /both502 { proxy_pass http://both502; proxy_next_upstream error http_502; }
    location /fallback { proxy_pass http://%[9]s; error_page 502 = @fallback; }
    location /fallback-dead { proxy_pass http://fallback_group; error_page 502 = @fallback; }
    location @fallback { proxy_pass http://%[12]s; }
    location /timeout { proxy_pass http://%[15]s; proxy_read_timeout 300ms; }
    location /invalid { proxy_pass http://%[16]s; }
    location /return502 { return 502; }
}
`

// status502 starts an HTTP backend that answers every request with a 502
// of its own.
func status502(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "backend says 502\n")
	}))
	t.Cleanup(s.Close)
	return s.Listener.Addr().String()
}

// rawGet sends the /escape request byte for byte, quotes and all, which
// net/http would percent-encode.
func rawGet(t *testing.T, addr string) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(nginxtest.GetTimeout))
	req := escapeRequest + "\r\nHost: shop.test\r\nUser-Agent: " + escapeAgent + "\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := io.ReadAll(c)
	if err != nil || !strings.HasPrefix(string(resp), "HTTP/1.1 200") {
		t.Fatalf("raw GET: %v\n%s", err, resp)
	}
}

// TestAccessRealNginx provokes every scenario in a real nginx on loopback,
// with three log formats, and parses what it logged.
func TestAccessRealNginx(t *testing.T) {
	names := []string{"DEAD0", "DEAD1", "DEAD2", "DEAD3", "DEAD4", "DEAD5", "DEAD6", "DEAD7",
		"LIVE", "BAD1", "BAD2", "NEVER", "INVALID"}
	peers := map[string]string{"LIVE": backend.HTTPOK(t), "BAD1": status502(t), "BAD2": status502(t),
		"NEVER": backend.NeverAnswer(t), "INVALID": backend.InvalidHeader(t)}
	var pairs []string
	args := []any{realFormat, realJSONFormat, formatUpstreamInfo}
	for _, n := range names {
		if peers[n] == "" {
			peers[n] = backend.ClosedPort(t)
		}
		pairs = append(pairs, n, peers[n])
		args = append(args, peers[n])
	}
	ngx := nginxtest.Start(t, fmt.Sprintf(realConfig, args...))

	for _, sc := range realScenarios {
		if sc.path == "/escape" {
			rawGet(t, ngx.Addr())
		} else if status, _, err := ngx.Get(sc.path); err != nil || fmt.Sprint(status) != sc.status {
			t.Fatalf("GET %s: %d %v, want %s", sc.path, status, err, sc.status)
		}
		mark := "GET " + sc.path + " "
		if sc.path == "/escape" {
			mark = "GET /escape?"
		}
		for _, l := range realLogs {
			path := filepath.Join(ngx.Dir(), "logs", l.name+".log")
			if _, err := nginxtest.WaitForLine(path, mark); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ngx.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, l := range realLogs {
		b, err := os.ReadFile(filepath.Join(ngx.Dir(), "logs", l.name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s:\n%s", l.name, b)
		p, err := Compile(l.format, l.escape)
		if err != nil {
			t.Fatal(err)
		}
		if seen := checkRealLog(t, p, b, strings.NewReplacer(pairs...)); len(seen) != len(realScenarios) {
			t.Errorf("%s: lines for %d scenarios, want %d", l.name, len(seen), len(realScenarios))
		}
		if *updateAccess {
			if err := os.WriteFile(l.file, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
