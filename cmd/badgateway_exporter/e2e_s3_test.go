package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// proxyTrap is an HTTP proxy on loopback that answers nothing and records
// every request: with HTTP(S)_PROXY pointing at it, anything the exporter
// sends to a non-loopback address (AWS, instance metadata) lands here.
type proxyTrap struct {
	mu   sync.Mutex
	seen []string
}

func startProxyTrap(t *testing.T) *proxyTrap {
	t.Helper()
	trap := &proxyTrap{}
	srv := s3test.Start(t) // a loopback server of its own, its handler replaced by the trap
	srv.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		trap.mu.Lock()
		trap.seen = append(trap.seen, r.Method+" "+r.Host+r.URL.String())
		trap.mu.Unlock()
		http.Error(w, "no network in tests", http.StatusForbidden)
		return true
	})
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, srv.URL)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	t.Cleanup(func() {
		trap.mu.Lock()
		defer trap.mu.Unlock()
		if len(trap.seen) > 0 {
			t.Errorf("the exporter sent requests off loopback: %q", trap.seen)
		}
	})
	return trap
}

// s3E2EWriter uploads gzip'd nginx error logs with refused upstreams.
type s3E2EWriter struct {
	srv     *s3test.Server
	refused int
}

const e2eS3Prefix = "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/"

func (w *s3E2EWriter) put(t *testing.T, day, hhmm string, n int) {
	t.Helper()
	var lines []string
	for i := range n {
		lines = append(lines, fmt.Sprintf(`2026/12/02 00:00:%02d [error] 31#31: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.14:8080/", host: "shop"`, i%60, i))
	}
	key := fmt.Sprintf("%s%s/123456789012_elasticloadbalancing_eu-west-1_app.web.50dc6c495c0c9188_%sT%sZ_10.0.1.7_2et2e1mx.log.gz",
		e2eS3Prefix, day, strings.ReplaceAll(day, "/", ""), hhmm)
	w.srv.Put(t, "lb-logs", key, s3test.Gzip(t, lines...))
	w.refused += n
}

// waitS3 scrapes until the exporter read objects S3 objects (60s bound),
// then checks the upstream errors counted against refused written.
func waitS3(t *testing.T, e *exportertest.Exporter, objects, refused int) {
	t.Helper()
	src := exportertest.Labels{"path": "s3://lb-logs/" + e2eS3Prefix}
	deadline := time.Now().Add(60 * time.Second)
	for {
		fams, _, err := e.Scrape()
		if err != nil {
			t.Fatal(err)
		}
		got := exportertest.Value(fams, "badgateway_s3_objects_total", src)
		if got == float64(objects) {
			errs := exportertest.Value(fams, "badgateway_upstream_errors_total", exportertest.Labels{"cause": "connection_refused", "upstream": "10.0.2.14:8080"})
			if errs != float64(refused) {
				t.Fatalf("upstream errors = %v, want %d written", errs, refused)
			}
			if s3errs := exportertest.Value(fams, "badgateway_s3_errors_total", src); s3errs != 0 {
				t.Errorf("s3 errors = %v\n%s", s3errs, exportertest.Series(fams, "badgateway_s3_errors_total"))
			}
			return
		}
		if got > float64(objects) || time.Now().After(deadline) {
			t.Fatalf("badgateway_s3_objects_total = %v, want %d\n%s", got, objects, e.Logs())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// The exporter binary reads a log from a loopback S3 server with the
// SDK's credential chain (static keys in the environment, no instance
// metadata): objects before the start, while running, across a day
// folder, through a SIGHUP reload that changes the entry, and across a
// SIGKILL with objects uploaded while it was down. Every request goes to
// the loopback server: a proxy trap catches anything else.
func TestEndToEndS3(t *testing.T) {
	srv := s3test.Start(t, "lb-logs")
	startProxyTrap(t)
	posFile := filepath.Join(t.TempDir(), "positions.json")
	cfg := func(poll string) string {
		return fmt.Sprintf("positions: {file: %s}\nlogs:\n  - format: nginx_error\n    from_beginning: true\n    s3:\n      bucket: lb-logs\n      prefix: %s\n      region: eu-west-1\n      endpoint: %s\n      force_path_style: true\n      poll_interval: %s\n",
			posFile, e2eS3Prefix, srv.URL, poll)
	}
	w := &s3E2EWriter{srv: srv}
	w.put(t, "2026/12/01", "2350", 20)
	w.put(t, "2026/12/01", "2355", 7)

	if out, err := exec.Command(exportertest.Binary(t), "--config.file="+writeFile(t, cfg("200ms")), "--config.check").CombinedOutput(); err != nil {
		t.Fatalf("--config.check: %v\n%s", err, out)
	}
	exp := exportertest.Start(t, cfg("200ms"))
	waitS3(t, exp, 2, w.refused)
	w.put(t, "2026/12/02", "0000", 5)
	waitS3(t, exp, 3, w.refused)

	if err := os.WriteFile(exp.Config, []byte(cfg("300ms")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := exp.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLog(t, exp, "Log settings changed; continuing where it was")
	w.put(t, "2026/12/02", "0005", 3)
	waitS3(t, exp, 4, w.refused)

	exp.Kill()
	down := &s3E2EWriter{srv: srv}
	down.put(t, "2026/12/02", "2355", 11)
	down.put(t, "2026/12/03", "0000", 2)
	exp = exportertest.Start(t, cfg("200ms"))
	waitS3(t, exp, 2, down.refused)
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "badgateway.yml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitLog waits (60s bound) until the exporter logged msg.
func waitLog(t *testing.T, e *exportertest.Exporter, msg string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(e.Logs(), msg) {
		if time.Now().After(deadline) {
			t.Fatalf("the exporter did not log %q:\n%s", msg, e.Logs())
		}
		time.Sleep(25 * time.Millisecond)
	}
}
