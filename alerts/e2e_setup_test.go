package alerts_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// e2eLogFormat is the access log_format of the end-to-end nginx: the
// fields badgateway_requests_total, _upstream_attempts_total and
// _upstream_response_seconds are made of.
const e2eLogFormat = `$remote_addr [$time_local] "$request" $status $server_name "$upstream_addr" "$upstream_status" "$upstream_response_time"`

// e2eNginxConfig: %[1]s and %[2]s are the closed ports of group grp, %[3]s
// a closed port, %[4]s a healthy HTTP backend, %[5]s the log_format.
const e2eNginxConfig = `
log_format e2e '%[5]s';
upstream grp {
    server %[1]s max_fails=1 fail_timeout=30s;
    server %[2]s max_fails=1 fail_timeout=30s;
}
server {
    listen {{listen}};
    server_name e2e.test;
    access_log {{dir}}/logs/e2e_access.log e2e;
    location = /refused { proxy_pass http://%[3]s; }
    location = /nolive  { proxy_pass http://grp; }
    location = /ok      { proxy_pass http://%[4]s; }
}
`

// exporterConfig returns the exporter's configuration for nginx: its error
// and access logs, and probes of the given upstreams (accessLog is always
// true: the access-log panels and High502ErrorRate are asserted). The
// probes are static, not discovered, so that the upstream of the asserted
// UpstreamConnectionRefused is not probed: a failing probe of it would
// inhibit that alert (alertmanager.yml), which is the point of inhibition
// but not what this test delivers.
func exporterConfig(t *testing.T, ngx *nginxtest.Nginx, probeTCP []string, probeHTTP string) (cfg string, accessLog bool) {
	t.Helper()
	cfg = fmt.Sprintf("logs:\n  - path: %s\n    format: nginx_error\n", ngx.ErrorLogPath()) +
		fmt.Sprintf("  - path: %s/logs/e2e_access.log\n    format: nginx_access\n    log_format: '%s'\n", ngx.Dir(), e2eLogFormat) +
		"probes:\n  interval: 2s\n  timeout: 1s\n  targets:\n" +
		fmt.Sprintf("    - {upstream: %s, module: http, group: e2e}\n", probeHTTP)
	for _, up := range probeTCP {
		cfg += fmt.Sprintf("    - {upstream: %s, module: tcp, group: grp}\n", up)
	}
	if _, err := config.Parse([]byte(cfg), "e2e.yml"); err != nil {
		t.Fatalf("exporter config: %v", err)
	}
	return cfg, true
}

// alertmanagerConfig returns alerts/alertmanager.yml with its webhook URLs
// pointed at hook (path /<receiver name>) and group_wait cut to 1s. Routing,
// grouping and inhibition stay as shipped.
func alertmanagerConfig(t *testing.T, hook string) []byte {
	t.Helper()
	var cfg map[string]any
	readYAML(t, alertmanagerFile, &cfg)
	route, _ := cfg["route"].(map[string]any)
	if route == nil {
		t.Fatalf("%s: no route", alertmanagerFile)
	}
	route["group_wait"] = "1s"
	receivers, _ := cfg["receivers"].([]any)
	urls := 0
	for _, r := range receivers {
		r := r.(map[string]any)
		hooks, _ := r["webhook_configs"].([]any)
		for _, h := range hooks {
			h.(map[string]any)["url"] = hook + "/" + r["name"].(string)
			urls++
		}
	}
	if urls == 0 {
		t.Fatalf("%s: no webhook_configs to point at the test's receiver", alertmanagerFile)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// traffic requests paths from nginx in the background, round robin, one
// request every interval, at most max requests, until the returned stop
// function is called (also in t.Cleanup).
func traffic(t *testing.T, ngx *nginxtest.Nginx, interval time.Duration, max int, paths ...string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < max; i++ {
			_, _, _ = ngx.Get(paths[i%len(paths)])
			select {
			case <-done:
				return
			case <-time.After(interval):
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { close(done); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// quoteAlternatives renders values as a Grafana multi-value regex, (a|b).
func quoteAlternatives(values ...string) string {
	return "(" + strings.Join(values, "|") + ")"
}
