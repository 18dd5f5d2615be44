package deploy_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

const errorsTotal = "badgateway_upstream_errors_total"

// TestDemoStack runs the demo's nginx, HAProxy and exporter configurations
// with the real programs and flaky-upstream, requests every scenario and
// checks that its cause shows in /metrics, counted once, with the upstream
// and virtual server it happened on.
func TestDemoStack(t *testing.T) {
	s := startStack(t)
	backends := haproxyServers(t)
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	get := func(t *testing.T, sc scenario) {
		t.Helper()
		addr := map[string]string{"nginx": s.nginxAddr, "haproxy": s.haproxyAddr}[sc.proxy]
		resp, err := client.Get("http://" + addr + sc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", sc.path, err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		resp.Body.Close()
		if resp.StatusCode != sc.status {
			t.Fatalf("GET %s: %d %q, want %d", sc.path, resp.StatusCode, body, sc.status)
		}
	}

	statuses := map[string]map[int]float64{"nginx": {}, "haproxy": {}}
	for _, sc := range scenarios {
		t.Run(sc.proxy+sc.path, func(t *testing.T) {
			peer := sc.upstream
			if sc.proxy == "haproxy" {
				peer = backends[sc.upstream]
			}
			if mode := s.flaky.modes[peer]; strings.HasPrefix(peer, "flaky:") && mode != sc.mode {
				t.Fatalf("%s is flaky-upstream's %q listener in docker-compose.yml, the scenario says %q", peer, mode, sc.mode)
			}
			if sc.primed && sc.proxy == "nginx" {
				get(t, sc) // fails on every server of the group: all marked down
				statuses[sc.proxy][sc.status]++
			}
			if sc.primed && sc.proxy == "haproxy" {
				for _, srv := range haproxyPool {
					s.exp.WaitFor(t, "badgateway_upstream_health_events_total", exportertest.Labels{
						"proxy": "haproxy", "upstream": srv, "state": "down", "cause": "connection_refused"}, 1)
				}
			}
			get(t, sc)
			statuses[sc.proxy][sc.status]++
			if sc.cause != "" {
				s.exp.WaitFor(t, errorsTotal, s.errLabels(t, sc), 1)
			}
		})
	}
	if t.Failed() {
		return
	}
	for _, peer := range nginxPool {
		s.exp.WaitFor(t, "badgateway_upstream_health_events_total", exportertest.Labels{
			"proxy": "nginx", "upstream": s.m.apply(t, "pool", peer), "state": "down", "cause": "marked_down"}, 1)
	}
	// The access log and HAProxy's request lines: every request, by status.
	for proxy, byStatus := range statuses {
		for status, n := range byStatus {
			s.exp.WaitFor(t, "badgateway_requests_total", exportertest.Labels{"proxy": proxy, "server": server, "status": fmt.Sprint(status)}, n)
		}
	}
	s.exp.WaitFor(t, "badgateway_proxy_generated_responses_total", exportertest.Labels{"proxy": "nginx", "status": "502"}, statuses["nginx"][502])

	fams, _, err := s.exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	// Exact counts: one failed request, one error; nothing counted twice.
	want := map[string]float64{}
	for _, sc := range scenarios {
		if sc.cause != "" {
			want[fmt.Sprint(s.errLabels(t, sc))]++
		}
	}
	for _, sc := range scenarios {
		if sc.cause == "" {
			continue
		}
		l := s.errLabels(t, sc)
		if got := exportertest.Value(fams, errorsTotal, l); got != want[fmt.Sprint(l)] {
			t.Errorf("%s %s: %v = %v, want %v\n%s", sc.proxy, sc.path, l, got, want[fmt.Sprint(l)], exportertest.Series(fams, errorsTotal))
		}
	}
	for _, peer := range nginxPool {
		l := exportertest.Labels{"proxy": "nginx", "cause": "connection_refused", "upstream": s.m.apply(t, "pool", peer), "server": server}
		if got := exportertest.Value(fams, errorsTotal, l); got != 1 {
			t.Errorf("pool member: %v = %v, want 1 (the primer)", l, got)
		}
	}
	for proxy, byStatus := range statuses {
		for status, n := range byStatus {
			l := exportertest.Labels{"proxy": proxy, "server": server, "status": fmt.Sprint(status)}
			if got := exportertest.Value(fams, "badgateway_requests_total", l); got != n {
				t.Errorf("%v = %v, want %v", l, got, n)
			}
		}
	}
	if got := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}); got != 0 {
		t.Errorf("unrecognized log lines: %v\n%s", got, exportertest.Series(fams, "badgateway_log_lines_total"))
	}
	if got := exportertest.Value(fams, "badgateway_syslog_errors_total", nil); got != 0 {
		t.Errorf("syslog errors: %v\n%s", got, exportertest.Series(fams, "badgateway_syslog_errors_total"))
	}
	if !s.dns.queried("app-v2.demo.invalid") {
		t.Error("nginx did not ask the test's DNS server for app-v2.demo.invalid")
	}
	t.Run("probes", func(t *testing.T) { testProbes(t, s) })
}

// errLabels are the labels of a scenario's error, mapped.
func (s *stack) errLabels(t *testing.T, sc scenario) exportertest.Labels {
	return exportertest.Labels{"proxy": sc.proxy, "cause": sc.cause, "upstream": s.m.apply(t, "upstream", sc.upstream), "server": server}
}

var haproxyServerRE = regexp.MustCompile(`(?m)^backend (\S+)\n(?:\s+.*\n)*?\s+server (\S+) (\S+)`)

// haproxyServers maps "backend/server" to the server's address in
// deploy/haproxy/haproxy.cfg ("flaky:8081"), for its first server.
func haproxyServers(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, m := range haproxyServerRE.FindAllStringSubmatch(readFile(t, haproxyCfg), -1) {
		out[m[1]+"/"+m[2]] = m[3]
	}
	return out
}
