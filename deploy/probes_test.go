package deploy_test

import (
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

// probeWait bounds the wait for a probe result: the first probe of a
// target comes within the interval of deploy/exporter/badgateway.yml (15s),
// and lasts at most its timeout (5s).
const probeWait = 30 * time.Second

// testProbes checks that the upstreams the exporter discovered in the
// deploy nginx.conf and haproxy.cfg are probed, and that a probe names the
// same cause as the logs (a refused connect is connection_refused in both).
func testProbes(t *testing.T, s *stack) {
	type want struct {
		metric string
		labels exportertest.Labels
	}
	var wants []want
	for _, sc := range scenarios {
		// nginx probes its peers over HTTP (or TLS with proxy_pass https).
		// Not comparable: a name in a variable (not probed), a group (its
		// members are), and flaky:8080, which /ok probes with HTTP and
		// /tls-to-plain with TLS.
		if sc.proxy != "nginx" || sc.cause == "" || sc.cause == "dns_failure" || sc.cause == "no_live_upstreams" || sc.cause == "tls_handshake_failed" {
			continue
		}
		wants = append(wants, want{"badgateway_probe_failures_total", exportertest.Labels{"upstream": s.m.apply(t, "probe", sc.upstream), "cause": sc.cause}})
	}
	for _, peer := range nginxPool {
		wants = append(wants, want{"badgateway_probe_failures_total", exportertest.Labels{"upstream": s.m.apply(t, "probe", peer), "cause": "connection_refused"}})
	}
	// HAProxy servers without `check` get a TCP connect: only refused ports fail.
	for _, srv := range append([]string{"be_refused/app"}, haproxyPool...) {
		wants = append(wants, want{"badgateway_probe_failures_total", exportertest.Labels{"upstream": srv, "cause": "connection_refused"}})
	}
	wants = append(wants,
		want{"badgateway_probe_success", exportertest.Labels{"upstream": "be_ok/app", "group": "be_ok", "proxy": "haproxy"}},
		want{"badgateway_probe_success", exportertest.Labels{"upstream": s.m.apply(t, "probe", "unix:/sockets/app.sock"), "proxy": "nginx"}},
	)

	deadline := time.Now().Add(probeWait)
	for _, w := range wants {
		for {
			fams, _, err := s.exp.Scrape()
			if err != nil {
				t.Fatal(err)
			}
			if exportertest.Value(fams, w.metric, w.labels) >= 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s%v not reported within %v\n%s\n%s", w.metric, w.labels, probeWait,
					exportertest.Series(fams, "badgateway_probe_failures_total"), exportertest.Series(fams, "badgateway_probe_success"))
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}
