package main

import (
	"fmt"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

const e2eAccessConfig = `
log_format upstreaminfo '$remote_addr - [$time_local] "$request" $status $body_bytes_sent '
                        '$server_name $upstream_addr $upstream_status $upstream_response_time $upstream_header_time';
upstream failover {
    server %[1]s;
    server %[2]s;
}
upstream alldead {
    server %[3]s;
    server %[4]s;
}
server {
    listen {{listen}};
    server_name access.test;
    access_log {{dir}}/logs/upstream.log upstreaminfo;
    proxy_next_upstream error;
    location = /failover { proxy_pass http://failover; }
    location = /alldead  { proxy_pass http://alldead; }
}
`

// TestEndToEndAccessLog: real nginx with a custom log_format read from its
// own nginx.conf; a retry that a 200 hid still counts one failed attempt
// against the dead peer, and a 502 nginx generated is marked as such.
func TestEndToEndAccessLog(t *testing.T) {
	dead, live := backend.ClosedPort(t), backend.HTTPOK(t)
	dead1, dead2 := backend.ClosedPort(t), backend.ClosedPort(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(e2eAccessConfig, dead, live, dead1, dead2))
	exp := exportertest.Start(t, fmt.Sprintf(`logs:
  - path: %s/logs/upstream.log
    format: nginx_access
    log_format_from: {config: %s, name: upstreaminfo}
  - path: %s
`, ngx.Dir(), ngx.ConfigPath(), ngx.ErrorLogPath()))

	mustGet(t, ngx, "/failover", 200)
	attempts := "badgateway_upstream_attempts_total"
	exp.WaitFor(t, attempts, exportertest.Labels{"proxy": "nginx", "upstream": dead, "status": "502"}, 1)
	exp.WaitFor(t, attempts, exportertest.Labels{"proxy": "nginx", "upstream": live, "status": "200"}, 1)
	exp.WaitFor(t, "badgateway_requests_total", exportertest.Labels{"proxy": "nginx", "server": "access.test", "upstream": live, "status": "200"}, 1)
	// The error log names the failed peer too.
	exp.WaitFor(t, "badgateway_upstream_errors_total", exportertest.Labels{"proxy": "nginx", "cause": "connection_refused", "upstream": dead, "server": "access.test"}, 1)

	mustGet(t, ngx, "/alldead", 502)
	exp.WaitFor(t, "badgateway_requests_total", exportertest.Labels{"proxy": "nginx", "server": "access.test", "upstream": dead2, "status": "502"}, 1)
	exp.WaitFor(t, "badgateway_proxy_generated_responses_total", exportertest.Labels{"proxy": "nginx", "server": "access.test", "upstream": dead2, "status": "502"}, 1)

	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		sel  exportertest.Labels
		want float64
	}{
		{"requests", exportertest.Labels{"proxy": "nginx"}, 2},
		{"attempts against the first dead peer", exportertest.Labels{"upstream": dead}, 1},
		{"attempts", exportertest.Labels{"proxy": "nginx"}, 4},
	} {
		name := "badgateway_requests_total"
		if c.name != "requests" {
			name = attempts
		}
		if got := exportertest.Value(fams, name, c.sel); got != c.want {
			t.Errorf("%s: %v = %v, want %v\n%s", c.name, c.sel, got, c.want, exportertest.Series(fams, name))
		}
	}
	if got := exportertest.Value(fams, "badgateway_proxy_generated_responses_total", nil); got != 1 {
		t.Errorf("generated responses = %v, want 1 (the 200 was not generated)", got)
	}
	if got := exportertest.Value(fams, "badgateway_upstream_response_seconds", exportertest.Labels{"upstream": live}); got != 1 {
		t.Errorf("response-time observations for the live peer = %v, want 1", got)
	}
	if got := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}); got != 0 {
		t.Errorf("unrecognized lines: %v", got)
	}
	promtoolCheckMetrics(t, body)
}
