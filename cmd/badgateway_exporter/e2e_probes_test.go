package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

const e2eProbeNginxConfig = `
upstream app {
    server %[1]s;
    server %[2]s;
}
server {
    listen {{listen}};
    server_name probes.test;
    location /         { proxy_pass http://app; }
    location /variable { set $target 127.0.0.1:1; proxy_pass http://$target; }
}
`

// TestEndToEndProbes: the exporter discovers the upstreams of a running
// nginx from its nginx.conf, probes them on its own schedule, and blames the
// dead one with the same cause and upstream label as the error-log line of a
// request that nginx sent to it.
func TestEndToEndProbes(t *testing.T) {
	live, dead := backend.HTTPOK(t), backend.ClosedPort(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(e2eProbeNginxConfig, live, dead))
	exp := exportertest.Start(t, fmt.Sprintf(`logs:
  - path: %s
probes:
  interval: 1s
  timeout: 500ms
  discover:
    nginx_config: %s
`, ngx.ErrorLogPath(), ngx.ConfigPath()))

	exp.WaitFor(t, "badgateway_probe_failures_total", exportertest.Labels{"upstream": dead, "cause": "connection_refused"}, 1)
	exp.WaitFor(t, "badgateway_probe_success", exportertest.Labels{"upstream": live, "group": "app", "proxy": "nginx"}, 1)
	for range 4 { // round robin: at least one request tries the dead peer first, then fails over
		mustGet(t, ngx, "/", 200)
	}
	exp.WaitFor(t, "badgateway_upstream_errors_total", exportertest.Labels{"upstream": dead, "cause": "connection_refused", "proxy": "nginx", "server": "probes.test"}, 1)

	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	if got := exportertest.Value(fams, "badgateway_probe_success", exportertest.Labels{"upstream": dead, "group": "app", "proxy": "nginx"}); got != 0 {
		t.Errorf("probe_success of the dead peer = %v", got)
	}
	if got := exportertest.Value(fams, "badgateway_probe_http_status_code", exportertest.Labels{"upstream": live}); got != 200 {
		t.Errorf("probe_http_status_code of the live peer = %v", got)
	}
	for _, phase := range []string{"connect", "processing"} {
		if fams["badgateway_probe_duration_seconds"] == nil || exportertest.Series(fams, "badgateway_probe_duration_seconds") == "" ||
			!strings.Contains(exportertest.Series(fams, "badgateway_probe_duration_seconds"), `phase="`+phase+`"`) {
			t.Errorf("no %s phase duration", phase)
		}
	}
	promtoolCheckMetrics(t, body)

	resp, err := http.Get("http://" + exp.Addr + "/probes?format=text")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("read the status page: %v", err)
	}
	for _, want := range []string{dead, "connection_refused", live, "$target"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("status page lacks %q:\n%s", want, page)
		}
	}
}
