package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/internal/procout"
	"github.com/badgateway/badgateway_exporter/probe/runner"
)

// panicky panics while collecting, after a good metric.
type panicky struct{ desc *prometheus.Desc }

func (p panicky) Describe(ch chan<- *prometheus.Desc) { ch <- p.desc }
func (p panicky) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(p.desc, prometheus.GaugeValue, 1)
	panic("bug in a collector")
}

// A panic while serving cannot end the process: net/http recovers it in
// the handler's goroutine, and the registry (client_golang, v1.25 here) in the
// goroutines it collects in, which net/http cannot reach. A panicking
// collector fails that scrape (500, logged) and the server serves on.
func TestPanickingCollectorFailsScrapeOnly(t *testing.T) {
	logs := &procout.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	reg := prometheus.NewRegistry()
	reg.MustRegister(panicky{prometheus.NewDesc("panicky", "h", nil, nil)})
	opts := &serveOptions{telemetryPath: "/metrics", maxRequests: 1, readHeaderTimeout: 5 * time.Second}
	e := &exporter{opts: opts, logger: logger, probes: runner.New(logger), ready: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := newHTTPServer(e.routes(reg), opts, logger)
	go server.Serve(ln)
	t.Cleanup(func() { server.Close() })

	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/metrics", "/metrics", "/-/healthy"} {
		resp, err := client.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatalf("GET %s after a panic: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want, wantBody := http.StatusInternalServerError, "bug in a collector"
		if path == "/-/healthy" {
			want, wantBody = http.StatusOK, "Healthy"
		}
		if resp.StatusCode != want || !strings.Contains(string(body), wantBody) {
			t.Errorf("GET %s: %d %.200q, want %d with %q", path, resp.StatusCode, body, want, wantBody)
		}
	}
	if !strings.Contains(logs.String(), "bug in a collector") {
		t.Errorf("panic not logged: %q", logs.String())
	}
}
