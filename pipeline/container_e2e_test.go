package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// e2eIngressConfig is an nginx http block shaped like ingress-nginx's: its
// default log-format-upstream, $proxy_upstream_name set per location
// (namespace-service-port), $req_id from X-Request-ID or $request_id.
const e2eIngressConfig = `
log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id';
map $http_x_request_id $req_id {
    default $http_x_request_id;
    ""      $request_id;
}
server {
    listen {{listen}};
    server_name _;
    access_log {{dir}}/logs/ingress-access.log upstreaminfo;
    set $proxy_alternative_upstream_name "";
    location /ok      { set $proxy_upstream_name "shop-web-80";     proxy_pass http://%[1]s; }
    location /refused { set $proxy_upstream_name "shop-api-8080";   proxy_pass http://%[2]s; }
    location /reset   { set $proxy_upstream_name "blog-web-80";     proxy_pass http://%[3]s; }
    location /invalid { set $proxy_upstream_name "blog-legacy-80";  proxy_pass http://%[4]s; }
}
`

// Real nginx writes its access and error logs; the test wraps each line
// as the kubelet's runtime would (CRI, stdout for access lines, stderr for
// error lines, some split into P parts, the two streams interleaved) into a
// /var/log/containers-style file. The container log counts exactly what
// the plain files count.
func TestContainerLogEndToEndNginx(t *testing.T) {
	ok, refused := backend.HTTPOK(t), backend.ClosedPort(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(e2eIngressConfig, ok, refused, backend.ResetAfterRequest(t), backend.InvalidHeader(t)))
	accessLog := filepath.Join(ngx.Dir(), "logs", "ingress-access.log")
	const rounds = 15
	for i := range rounds {
		for _, p := range []string{"/ok", "/refused", "/reset", "/invalid"} {
			if _, _, err := ngx.Get(fmt.Sprintf("%s?i=%d&pad=%s", p, i, strings.Repeat("x", i*7))); err != nil {
				t.Fatal(err)
			}
		}
	}
	accessLines := waitLines(t, accessLog, 4*rounds)
	errorLines := waitLines(t, ngx.ErrorLogPath(), 1)

	dir := filepath.Join(t.TempDir(), "containers")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	wrapped := filepath.Join(dir, "ingress-nginx-controller-7d9c8f6b5-x2k4q_ingress-nginx_controller-0123abcd.log")
	if err := os.WriteFile(wrapped, criWrap(accessLines, errorLines), 0o644); err != nil {
		t.Fatal(err)
	}

	plain := runPipeline(t, fmt.Sprintf("logs:\n  - path: %s\n    from_beginning: true\n  - path: %s\n    format: nginx_access\n    log_format_name: upstreaminfo\n    from_beginning: true\n",
		ngx.ErrorLogPath(), accessLog), ngx.ErrorLogPath(), accessLog)
	container := runPipeline(t, fmt.Sprintf("logs:\n  - path: %s/*.log\n    format: container\n    wrapper: cri\n    from_beginning: true\n", dir), wrapped)

	for _, name := range []string{"badgateway_requests_total", "badgateway_upstream_errors_total", "badgateway_upstream_attempts_total",
		"badgateway_proxy_generated_responses_total", "badgateway_upstream_health_events_total"} {
		if got, want := samples(container, name, false), samples(plain, name, false); got != want {
			t.Errorf("%s:\ncontainer log:\n%s\nplain files:\n%s", name, got, want)
		}
	}
	if got, want := samples(container, "badgateway_log_lines_total", true), samples(plain, "badgateway_log_lines_total", true); got != want {
		t.Errorf("log lines by result:\ncontainer log:\n%s\nplain files:\n%s", got, want)
	}
	// Not vacuous: the failures nginx logged are there, under the
	// $proxy_upstream_name of their location.
	for _, want := range []string{
		`{proxy="nginx",server="shop-web-80",status="200",upstream="` + ok + `"} 15`,
		`{proxy="nginx",server="shop-api-8080",status="502",upstream="` + refused + `"} 15`,
	} {
		if !strings.Contains(samples(container, "badgateway_requests_total", false), want) {
			t.Errorf("requests: no %s in\n%s", want, samples(container, "badgateway_requests_total", false))
		}
	}
	if !strings.Contains(samples(container, "badgateway_upstream_errors_total", false), `{cause="connection_refused",proxy="nginx",server="_",upstream="`+refused+`"} 15`) {
		t.Errorf("no refused connection counted:\n%s", samples(container, "badgateway_upstream_errors_total", false))
	}
}

// waitLines polls (bounded) until the file has at least n lines and
// returns them.
func waitLines(t *testing.T, path string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(data) > 0 && len(lines) >= n && strings.HasSuffix(string(data), "\n") {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d lines, want %d", path, len(lines), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// criWrap interleaves access lines (stdout) and error lines (stderr) as a
// CRI runtime writes them; every third line of each is split into parts of
// 40 bytes (P … P F), a stderr line landing between the parts of a stdout
// line.
func criWrap(stdout, stderr []string) []byte {
	var b strings.Builder
	clock := 0
	emit := func(stream, tag, text string) {
		clock += 1_000_003
		fmt.Fprintf(&b, "2026-11-20T03:14:%02d.%09dZ %s %s %s\n", 22+clock/1e9, clock%1e9, stream, tag, text)
	}
	for i := 0; i < len(stdout) || i < len(stderr); i++ {
		var errLine *string
		if i < len(stderr) {
			errLine = &stderr[i]
		}
		if i < len(stdout) {
			line := stdout[i]
			if i%3 == 0 && len(line) > 40 {
				emit("stdout", "P", line[:40])
				if errLine != nil { // the other stream between the parts
					emit("stderr", "F", *errLine)
					errLine = nil
				}
				for line = line[40:]; len(line) > 40; line = line[40:] {
					emit("stdout", "P", line[:40])
				}
			}
			emit("stdout", "F", line)
		}
		if errLine != nil {
			if i%3 == 1 && len(*errLine) > 40 {
				emit("stderr", "P", (*errLine)[:40])
				emit("stderr", "F", (*errLine)[40:])
			} else {
				emit("stderr", "F", *errLine)
			}
		}
	}
	return []byte(b.String())
}

// runPipeline follows cfg's logs with a pipeline of its own registry until
// each file is read to its end, and returns the registry.
func runPipeline(t *testing.T, cfg string, files ...string) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewRegistry()
	c := New(reg, slog.New(slog.DiscardHandler))
	if err := c.Apply(parse(t, cfg)); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		waitAllRead(t, c, f)
	}
	c.Close() // the error parser's last record is flushed when caught up; Close stops the tails
	return reg
}

// samples renders a metric's series sorted, without the path label
// (summed over it) when sumPaths is set.
func samples(reg *prometheus.Registry, name string, sumPaths bool) string {
	fams, err := reg.Gather()
	if err != nil {
		return err.Error()
	}
	sums := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var ls []string
			for _, lp := range m.GetLabel() {
				if sumPaths && lp.GetName() == "path" {
					continue
				}
				ls = append(ls, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
			}
			sums[name+"{"+strings.Join(ls, ",")+"}"] += value(m)
		}
	}
	var out []string
	for k, v := range sums {
		out = append(out, fmt.Sprintf("%s %v", k, v))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return m.GetGauge().GetValue()
}
