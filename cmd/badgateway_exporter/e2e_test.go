package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

const e2eNginxConfig = `
upstream grp {
    server %[1]s max_fails=1 fail_timeout=30s;
    server %[2]s max_fails=1 fail_timeout=30s;
}
server {
    listen {{listen}};
    server_name e2e.test;
    location = /refused   { proxy_pass http://%[3]s; }
    location = /premature { proxy_pass http://%[4]s; }
    location = /timeout   { proxy_pass http://%[5]s; proxy_read_timeout 1s; }
    location = /nosocket  { proxy_pass http://unix:{{dir}}/missing.sock:; }
    location = /nolive    { proxy_pass http://grp; }
    location = /tls       { proxy_pass https://%[6]s; }
    location = /ok        { proxy_pass http://%[6]s; }
}
`

// TestEndToEndNginx runs real nginx in front of misbehaving backends, with the
// exporter binary tailing nginx's error log, and checks every cause the
// client-visible failure produces in /metrics, then survives a rename
// rotation with `nginx -s reopen` counting the next error exactly once.
func TestEndToEndNginx(t *testing.T) {
	refused, grp1, grp2 := backend.ClosedPort(t), backend.ClosedPort(t), backend.ClosedPort(t)
	premature, never, plain := backend.AcceptAndClose(t), backend.NeverAnswer(t), backend.HTTPOK(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(e2eNginxConfig, grp1, grp2, refused, premature, never, plain))
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    format: nginx_error\n", ngx.ErrorLogPath()))

	errorsTotal := func(cause, upstream string) exportertest.Labels {
		return exportertest.Labels{"proxy": "nginx", "cause": cause, "upstream": upstream, "server": "e2e.test"}
	}
	cases := []struct {
		name, prime, path string
		status            int
		labels            exportertest.Labels
	}{
		{name: "refused", path: "/refused", status: 502, labels: errorsTotal("connection_refused", refused)},
		{name: "premature", path: "/premature", status: 502, labels: errorsTotal("premature_close", premature)},
		{name: "timeout", path: "/timeout", status: 504, labels: errorsTotal("read_timeout", never)},
		{name: "socket", path: "/nosocket", status: 502, labels: errorsTotal("socket_not_found", "unix:"+filepath.Join(ngx.Dir(), "missing.sock"))},
		{name: "no live", prime: "/nolive?first", path: "/nolive?second", status: 502, labels: errorsTotal("no_live_upstreams", "grp")},
		{name: "tls to plain", path: "/tls", status: 502, labels: errorsTotal("tls_handshake_failed", plain)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.prime != "" {
				mustGet(t, ngx, c.prime, 502)
			}
			mustGet(t, ngx, c.path, c.status)
			exp.WaitFor(t, "badgateway_upstream_errors_total", c.labels, 1)
		})
	}
	// The primer of "no live" refused on both group members and marked them down.
	for _, peer := range []string{grp1, grp2} {
		exp.WaitFor(t, "badgateway_upstream_errors_total", errorsTotal("connection_refused", peer), 1)
		exp.WaitFor(t, "badgateway_upstream_health_events_total",
			exportertest.Labels{"proxy": "nginx", "upstream": peer, "state": "down", "cause": "marked_down"}, 1)
	}

	t.Run("rotation", func(t *testing.T) {
		log := ngx.ErrorLogPath()
		if err := os.Rename(log, log+".1"); err != nil {
			t.Fatal(err)
		}
		mustGet(t, ngx, "/refused", 502) // written to the renamed file: nginx has not reopened yet
		if err := ngx.Reopen(); err != nil {
			t.Fatal(err)
		}
		mustGet(t, ngx, "/refused", 502) // written to the new file
		mustGet(t, ngx, "/premature", 502)
		exp.WaitFor(t, "badgateway_upstream_errors_total", errorsTotal("premature_close", premature), 2)
		exp.WaitFor(t, "badgateway_log_rotations_total", exportertest.Labels{"path": log}, 1)
	})

	// The rotation step requested /refused twice and /premature once more.
	extraAfterRotation := map[string]float64{"refused": 2, "premature": 1}
	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	// Exact counts: nothing lost, nothing counted twice.
	for _, c := range cases {
		want := 1.0 + extraAfterRotation[c.name]
		if got := exportertest.Value(fams, "badgateway_upstream_errors_total", c.labels); got != want {
			t.Errorf("%s: %v = %v, want %v\n%s", c.name, c.labels, got, want, exportertest.Series(fams, "badgateway_upstream_errors_total"))
		}
	}
	if got := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}); got != 0 {
		t.Errorf("unrecognized lines from real nginx: %v", got)
	}
	promtoolCheckMetrics(t, body)
}

func mustGet(t *testing.T, ngx *nginxtest.Nginx, path string, want int) {
	t.Helper()
	status, body, err := ngx.Get(path)
	if err != nil || status != want {
		t.Fatalf("GET %s: status %d (%v), want %d; body %q", path, status, err, want, body)
	}
}

// promtoolCheckMetrics runs `promtool check metrics` (Debian package
// prometheus) on a scrape; required where end-to-end tests are.
func promtoolCheckMetrics(t *testing.T, body []byte) {
	t.Helper()
	bin := promtest.PromtoolBin.Require(t)
	cmd := exec.Command(bin, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
