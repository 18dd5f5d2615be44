package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/haproxytest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

const e2eHAProxyConfig = `global
  log 127.0.0.1:%[1]d local0
defaults
  mode http
  log global
  option httplog
  option dontlognull
  retries 0
  timeout connect 1s
  timeout client 5s
  timeout server 1s
frontend fe
  bind 127.0.0.1:%[2]d
  use_backend be_refused if { path /refused }
  use_backend be_premature if { path /premature }
  use_backend be_slow if { path /slow }
  use_backend be_dead if { path /dead }
  default_backend be_ok
backend be_refused
  server srv %[3]s
backend be_premature
  server srv %[4]s
backend be_slow
  server srv %[5]s
backend be_dead
  server srv %[6]s check inter 200ms fall 1 rise 1
backend be_ok
  server srv %[7]s
`

// TestEndToEndHAProxy: a real HAProxy logs to the exporter's UDP syslog
// listener, configured as users configure it for rsyslog; every cause shows
// in /metrics with the HAProxy backend/server as upstream.
func TestEndToEndHAProxy(t *testing.T) {
	syslogPort, fePort := loopback.FreeUDPPort(t), loopback.FreeTCPPort(t)
	exp := exportertest.Start(t, fmt.Sprintf("syslog:\n  - listen: udp://127.0.0.1:%d\n", syslogPort))
	haproxytest.Start(t, fmt.Sprintf(e2eHAProxyConfig, syslogPort, fePort,
		backend.ClosedPort(t), backend.AcceptAndClose(t), backend.NeverAnswer(t), backend.ClosedPort(t), backend.HTTPOK(t)))

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	get := func(path string, want int) {
		t.Helper()
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d%s", fePort, path))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	errs := func(cause, upstream string) exportertest.Labels {
		return exportertest.Labels{"proxy": "haproxy", "cause": cause, "upstream": upstream, "server": "fe"}
	}
	get("/refused", 503)
	exp.WaitFor(t, "badgateway_upstream_errors_total", errs("connection_refused", "be_refused/srv"), 1)
	get("/premature", 502)
	exp.WaitFor(t, "badgateway_upstream_errors_total", errs("premature_close", "be_premature/srv"), 1)
	get("/slow", 504)
	exp.WaitFor(t, "badgateway_upstream_errors_total", errs("read_timeout", "be_slow/srv"), 1)
	get("/ok", 200)
	exp.WaitFor(t, "badgateway_requests_total", exportertest.Labels{"proxy": "haproxy", "server": "fe", "upstream": "be_ok/srv", "status": "200"}, 1)
	exp.WaitFor(t, "badgateway_upstream_response_seconds", exportertest.Labels{"proxy": "haproxy", "upstream": "be_ok/srv"}, 1)

	// Health checks take the only server of be_dead down: a health event
	// with the check's cause, then no server is left.
	exp.WaitFor(t, "badgateway_upstream_health_events_total",
		exportertest.Labels{"proxy": "haproxy", "upstream": "be_dead/srv", "state": "down", "cause": "connection_refused"}, 1)
	exp.WaitFor(t, "badgateway_upstream_errors_total", exportertest.Labels{"proxy": "haproxy", "cause": "no_live_upstreams", "upstream": "be_dead"}, 1)
	get("/dead", 503)
	exp.WaitFor(t, "badgateway_upstream_errors_total", errs("no_live_upstreams", "be_dead"), 1)

	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	for status, want := range map[string]float64{"503": 2, "502": 1, "504": 1, "200": 1} {
		if got := exportertest.Value(fams, "badgateway_requests_total", exportertest.Labels{"proxy": "haproxy", "status": status}); got != want {
			t.Errorf("requests with status %s = %v, want %v\n%s", status, got, want, exportertest.Series(fams, "badgateway_requests_total"))
		}
	}
	path := fmt.Sprintf("syslog://127.0.0.1:%d", syslogPort)
	if got := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"path": path, "result": "unrecognized"}); got != 0 {
		t.Errorf("unrecognized syslog lines: %v", got)
	}
	promtoolCheckMetrics(t, body)
}
