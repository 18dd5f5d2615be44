package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/apachetest"
	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

const e2eApacheSite = `
SSLProxyEngine on
ProxyTimeout 1
ProxyPass /refused   http://%[1]s/
ProxyPass /premature http://%[2]s/
ProxyPass /timeout   http://%[3]s/
ProxyPass /reset     http://%[4]s/
ProxyPass /tls       https://%[5]s/
ProxyPass /nosocket  unix:{{dir}}/missing.sock|fcgi://localhost/
<Proxy balancer://grp>
    BalancerMember http://%[6]s
    BalancerMember http://%[7]s
</Proxy>
ProxyPass /nolive balancer://grp/ forcerecovery=off
`

// TestEndToEndApache runs the real Apache httpd of Debian in front of
// misbehaving backends, with the exporter binary following Apache's error
// log (format apache_error), and checks each cause in /metrics, each
// failed request counted exactly once.
func TestEndToEndApache(t *testing.T) {
	refused, grp1, grp2 := backend.ClosedPort(t), backend.ClosedPort(t), backend.ClosedPort(t)
	premature, never, reset, plain := backend.AcceptAndClose(t), backend.NeverAnswer(t), backend.ResetAfterRequest(t), backend.HTTPOK(t)
	ap := apachetest.Start(t, fmt.Sprintf(e2eApacheSite, refused, premature, never, reset, plain, grp1, grp2))
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    format: apache_error\n    from_beginning: true\n", ap.ErrorLogPath()))

	errorsTotal := func(cause, upstream string) exportertest.Labels {
		return exportertest.Labels{"proxy": "apache", "cause": cause, "upstream": upstream, "server": ""}
	}
	cases := []struct {
		name, prime, path string
		status            int
		labels            exportertest.Labels
	}{
		{name: "refused", path: "/refused", status: 503, labels: errorsTotal("connection_refused", refused)},
		{name: "premature", path: "/premature", status: 502, labels: errorsTotal("premature_close", premature)},
		{name: "timeout", path: "/timeout", status: 502, labels: errorsTotal("read_timeout", never)},
		{name: "reset", path: "/reset", status: 502, labels: errorsTotal("connection_reset", reset)},
		{name: "tls to plain", path: "/tls", status: 500, labels: errorsTotal("tls_handshake_failed", "")},
		{name: "socket", path: "/nosocket", status: 503, labels: errorsTotal("socket_not_found", "unix:"+filepath.Join(ap.Dir(), "missing.sock"))},
		{name: "no live", prime: "/nolive?first", path: "/nolive?second", status: 503, labels: errorsTotal("no_live_upstreams", "grp")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.prime != "" {
				apacheMustGet(t, ap, c.prime, 503)
			}
			apacheMustGet(t, ap, c.path, c.status)
			exp.WaitFor(t, "badgateway_upstream_errors_total", c.labels, 1)
		})
	}
	// The primer of "no live" was refused by both members and disabled them.
	for _, peer := range []string{grp1, grp2} {
		exp.WaitFor(t, "badgateway_upstream_errors_total", errorsTotal("connection_refused", peer), 1)
		exp.WaitFor(t, "badgateway_upstream_health_events_total",
			exportertest.Labels{"proxy": "apache", "upstream": peer, "state": "down", "cause": "marked_down"}, 1)
	}
	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	// Exact counts: Apache writes two or three lines per failed request;
	// each request counts once.
	for _, c := range cases {
		if got := exportertest.Value(fams, "badgateway_upstream_errors_total", c.labels); got != 1 {
			t.Errorf("%s: %v = %v, want 1\n%s", c.name, c.labels, got, exportertest.Series(fams, "badgateway_upstream_errors_total"))
		}
	}
	if got := exportertest.Value(fams, "badgateway_upstream_errors_total", exportertest.Labels{"proxy": "apache"}); got != float64(len(cases)+2) {
		t.Errorf("apache errors = %v, want %d\n%s", got, len(cases)+2, exportertest.Series(fams, "badgateway_upstream_errors_total"))
	}
	if got := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}); got != 0 {
		t.Errorf("unrecognized lines from real Apache: %v", got)
	}
	promtoolCheckMetrics(t, body)
}

func apacheMustGet(t *testing.T, ap *apachetest.Apache, path string, want int) {
	t.Helper()
	status, body, err := ap.Get(path)
	if err != nil || status != want {
		t.Fatalf("GET %s: status %d (%v), want %d; body %q", path, status, err, want, body)
	}
}
