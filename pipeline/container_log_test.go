package pipeline

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
)

// ingressAccess is an access line of ingress-nginx's default
// log-format-upstream (upstreaminfo): a 502 of the shop/web:80 backend.
const ingressAccess = `192.0.2.10 - - [20/Nov/2026:03:14:22 +0000] "GET /cart HTTP/1.1" 502 150 "-" "curl/8.5.0" 78 0.002 [shop-web-80] [] 10.244.1.7:8080 0 0.001 502 4f2c6e0d1b2a3c4d5e6f708192a3b4c5`

// newContainerFile makes the counter of one file of a container log
// configured by yml (one logs entry, path /var/log/containers/…).
func newContainerFile(t *testing.T, c *Pipeline, yml, path string) lineCounter {
	t.Helper()
	newCounter, _, err := c.lineCounterFactory(parse(t, yml).Logs[0])
	if err != nil {
		t.Fatal(err)
	}
	return newCounter(path, slog.New(slog.DiscardHandler))
}

// A CRI file of the ingress-nginx controller: stdout goes to the
// upstreaminfo access parser (server = $proxy_upstream_name), stderr to the
// nginx error parser, parts are joined per stream, bad lines are
// unrecognized.
func TestContainerLogRoutesStreams(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	const path = "/var/log/containers/ingress-nginx-controller-7d9c8f6b5-x2k4q_ingress-nginx_controller-0123abcd.log"
	f := newContainerFile(t, c, "logs:\n  - path: /var/log/containers/*.log\n    format: container\n    wrapper: cri\n", path)
	ts := "2026-11-20T03:14:22.123456789Z "
	for _, l := range []string{
		ts + "stdout F " + ingressAccess,
		ts + "stdout P " + ingressAccess[:40], // split, with a stderr line between its parts
		ts + "stderr F " + refusedLine,
		ts + "stdout P " + ingressAccess[40:90],
		ts + "stdout F " + ingressAccess[90:],
		ts + "stderr P " + refusedLine[:10],
		ts + "stderr F " + refusedLine[10:],
		ts + "stderr F " + noticeLine,
		ts + "stdout F not an access line",
		"2026-11-20 03:14:22 stdout F a bad timestamp",
		ts + "stdout",
		"\xff\xfe garbage",
	} {
		f.Line([]byte(l))
	}
	f.CaughtUp()
	checkCounts(t, []countCheck{
		{"requests by $proxy_upstream_name", c.m.Requests.WithLabelValues("nginx", "shop-web-80", "10.244.1.7:8080", "502"), 2},
		{"refused from stderr", c.m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 2},
		{"classified: 2 access + 2 error messages", c.m.LogLines.WithLabelValues(path, "classified"), 4},
		{"ignored: the notice", c.m.LogLines.WithLabelValues(path, "ignored"), 1},
		{"unrecognized: 1 access mismatch + 3 bad wrappers", c.m.LogLines.WithLabelValues(path, "unrecognized"), 4},
	})
}

// Docker json-file: a stream that is not configured is counted as ignored.
func TestContainerLogDockerJSONUnparsedStream(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	const path = "/var/lib/docker/containers/0123/0123-json.log"
	f := newContainerFile(t, c, "logs:\n  - path: /var/lib/docker/containers/*/*-json.log\n    format: container\n    wrapper: docker_json\n    stderr: {format: nginx_error}\n", path)
	esc := strings.ReplaceAll(refusedLine, `"`, `\"`)
	for _, l := range []string{
		`{"log":"` + esc[:50] + `","stream":"stderr","time":"2026-11-20T03:14:22.1Z"}`,
		`{"log":"an app line on stdout\n","stream":"stdout","time":"2026-11-20T03:14:22.2Z"}`,
		`{"log":"` + esc[50:] + `\n","stream":"stderr","time":"2026-11-20T03:14:22.3Z"}`,
		`{"log":"bad \x escape\n","stream":"stderr","time":"2026-11-20T03:14:22.4Z"}`,
	} {
		f.Line([]byte(l))
	}
	f.CaughtUp()
	checkCounts(t, []countCheck{
		{"refused", c.m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 1},
		{"classified", c.m.LogLines.WithLabelValues(path, "classified"), 1},
		{"ignored stdout", c.m.LogLines.WithLabelValues(path, "ignored"), 1},
		{"bad escape", c.m.LogLines.WithLabelValues(path, "unrecognized"), 1},
	})
}

// An ingress-nginx access log read as a plain file (the upstreaminfo
// format) labels requests with $proxy_upstream_name too, before the
// configured server; $host would win.
func TestAccessLogServerFromProxyUpstreamName(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	f := newContainerFile(t, c, "logs:\n  - path: /a.log\n    format: nginx_access\n    log_format_name: upstreaminfo\n    server: configured\n", "/a.log")
	f.Line([]byte(ingressAccess))
	f.Line([]byte(strings.Replace(ingressAccess, "[shop-web-80]", "[-]", 1)))
	checkCounts(t, []countCheck{
		{"$proxy_upstream_name", c.m.Requests.WithLabelValues("nginx", "shop-web-80", "10.244.1.7:8080", "502"), 1},
		{"configured when it is -", c.m.Requests.WithLabelValues("nginx", "configured", "10.244.1.7:8080", "502"), 1},
	})
}

// Unwrapping and counting a steady mix of wrapped lines allocates nothing.
func TestContainerLogNoAllocsPerLine(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	for _, w := range []string{"cri", "docker_json"} {
		f := newContainerFile(t, c, "logs:\n  - path: /c/*.log\n    format: container\n    wrapper: "+w+"\n", "/c/"+w+".log")
		lines := wrapLines(w, ingressAccess, refusedLine)
		for _, l := range lines { // the series are made once
			f.Line(l)
		}
		if allocs := testing.AllocsPerRun(200, func() {
			for _, l := range lines {
				f.Line(l)
			}
		}); allocs != 0 {
			t.Errorf("%s: %v allocs per %d lines", w, allocs, len(lines))
		}
	}
}

// wrapLines wraps an access line (stdout, also split in two parts) and an
// error line (stderr) as wrapper w writes them.
func wrapLines(w, access, errorLine string) [][]byte {
	if w == "cri" {
		ts := "2026-11-20T03:14:22.123456789Z "
		return [][]byte{[]byte(ts + "stdout F " + access), []byte(ts + "stderr F " + errorLine),
			[]byte(ts + "stdout P " + access[:60]), []byte(ts + "stdout F " + access[60:])}
	}
	j := func(text, stream string) []byte {
		return []byte(`{"log":"` + strings.ReplaceAll(text, `"`, `\"`) + `","stream":"` + stream + `","time":"2026-11-20T03:14:22.123456789Z"}`)
	}
	return [][]byte{j(access+`\n`, "stdout"), j(errorLine+`\n`, "stderr"), j(access[:60], "stdout"), j(access[60:]+`\n`, "stdout")}
}

func BenchmarkContainerLog(b *testing.B) {
	for _, w := range []string{"cri", "docker_json"} {
		b.Run(w, func(b *testing.B) {
			c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			cfg, err := config.Parse([]byte("logs:\n  - path: /c/*.log\n    format: container\n    wrapper: "+w+"\n"), "b.yml")
			if err != nil {
				b.Fatal(err)
			}
			newCounter, _, err := c.lineCounterFactory(cfg.Logs[0])
			if err != nil {
				b.Fatal(err)
			}
			f := newCounter("/c/x.log", slog.New(slog.DiscardHandler))
			lines := wrapLines(w, ingressAccess, refusedLine)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for _, l := range lines {
					f.Line(l)
				}
				n += len(lines)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// An endless run of parts is cut at the limit and counted in
// badgateway_container_messages_cut_total; the file goes on with the next
// line.
func TestContainerLogCutsEndlessParts(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	const path = "/var/log/containers/p_ns_c-1.log"
	f := newContainerFile(t, c, "logs:\n  - path: /var/log/containers/*.log\n    format: container\n    wrapper: cri\n", path)
	ts := "2026-11-20T03:14:22.123456789Z "
	part := []byte(ts + "stderr P " + strings.Repeat("x", 16384))
	for range 1000 { // 16 MiB of one line
		f.Line(part)
	}
	f.Line([]byte(ts + "stderr F end"))
	f.Line([]byte(ts + "stderr F " + refusedLine))
	f.CaughtUp()
	checkCounts(t, []countCheck{
		{"cut", c.containerCut, 1},
		{"the cut message is one line (not an nginx line)", c.m.LogLines.WithLabelValues(path, "unrecognized"), 1},
		{"the next line counts", c.m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop"), 1},
	})
}

// A stream's access format that does not compile is refused by
// CheckConfig and Apply, located at the stream's field.
func TestContainerLogStreamFormatErrorLocated(t *testing.T) {
	cfg := parse(t, "logs:\n  - path: /c/*.log\n    format: container\n    wrapper: cri\n    stdout:\n      format: nginx_access\n      log_format: '$remote_addr$status'\n")
	const want = "test.yml:7: logs[0].stdout.log_format: "
	if err := CheckConfig(cfg); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("CheckConfig: %v, want %s…", err, want)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(cfg); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Apply: %v, want %s…", err, want)
	}
}

// Warnings about a kubelet file name the pod's namespace, pod and
// container read from the file name.
func TestContainerLogWarningsNameThePod(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	newCounter, _, err := c.lineCounterFactory(parse(t, "logs:\n  - path: /var/log/pods/*/*/*.log\n    format: container\n    wrapper: cri\n").Logs[0])
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	f := newCounter("/var/log/pods/ingress-nginx_ingress-nginx-controller-7d9c8f6b5-x2k4q_5b8e2f4a/controller/0.log", slog.New(slog.NewTextHandler(&out, nil)))
	f.Line([]byte("not a CRI line"))
	for _, want := range []string{"namespace=ingress-nginx", "pod=ingress-nginx-controller-7d9c8f6b5-x2k4q", "container=controller", `err="timestamp is not RFC 3339"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("warning lacks %s: %s", want, out.String())
		}
	}
}
