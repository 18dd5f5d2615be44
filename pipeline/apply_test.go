package pipeline

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

func parse(t *testing.T, yml string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(yml), "test.yml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitCount polls a counter until it reaches want (bounded) and returns it.
func waitCount(t *testing.T, c prometheus.Collector, want float64) float64 {
	t.Helper()
	var got float64
	for range 400 {
		if got = testutil.ToFloat64(c); got >= want {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("counter = %v, want %v", got, want)
	return got
}

// A reload that changes a log's settings restarts its tail where the file
// ends: no line is read twice, also with from_beginning.
func TestApplyChangedLogNotReadTwice(t *testing.T) {
	log := filepath.Join(t.TempDir(), "access.log")
	line := `10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.9:80` + "\n"
	if err := os.WriteFile(log, []byte(strings.Repeat(line, 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	cfg := "logs:\n  - path: %s\n    format: nginx_access\n    from_beginning: true\n    log_format: '$remote_addr \"$request\" $status $upstream_addr'\n    server: %s\n"
	if err := c.Apply(parse(t, fmt.Sprintf(cfg, log, "a"))); err != nil {
		t.Fatal(err)
	}
	lines := c.m.LogLines.WithLabelValues(log, "classified")
	waitCount(t, lines, 5)
	if err := c.Apply(parse(t, fmt.Sprintf(cfg, log, "b"))); err != nil {
		t.Fatal(err)
	}
	appendTo(t, log, line)
	waitAllRead(t, c, log)
	if got := testutil.ToFloat64(lines); got != 6 {
		t.Errorf("lines after the reload = %v, want 6 (the 5 old ones read once)", got)
	}
	if got := testutil.ToFloat64(c.m.Requests.WithLabelValues("nginx", "b", "10.0.0.9:80", "200")); got != 1 {
		t.Errorf("requests under the new server label = %v, want 1", got)
	}
}

// A reload that fails keeps every running listener bound.
func TestApplyFailedReloadKeepsListeners(t *testing.T) {
	port := loopback.FreeUDPPort(t)
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf("syslog:\n  - listen: udp://127.0.0.1:%d\n", port))); err != nil {
		t.Fatal(err)
	}
	// Change the first listener's settings and add one on a busy port.
	bad := fmt.Sprintf("syslog:\n  - listen: udp://127.0.0.1:%d\n    max_message_bytes: 1000\n  - listen: udp://%s\n", port, busy.LocalAddr())
	if err := c.Apply(parse(t, bad)); err == nil {
		t.Fatal("no error for a busy port")
	}
	conn, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	path := fmt.Sprintf("syslog://127.0.0.1:%d", port)
	for range 20 { // UDP: resend until one arrives (bounded)
		fmt.Fprint(conn, "<134>Nov 21 11:01:17 haproxy[1]: 127.0.0.1:1 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /x HTTP/1.1\"")
		if testutil.ToFloat64(c.m.LogLines.WithLabelValues(path, "classified")) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	waitCount(t, c.m.LogLines.WithLabelValues(path, "classified"), 1)
	if v := testutil.ToFloat64(c.m.ReloadSuccess); v != 0 {
		t.Errorf("config_last_reload_successful = %v after a failed reload", v)
	}
}

// A reload re-reads log_format_from: after nginx.conf changes the format,
// lines in the new format are parsed with it.
func TestApplyRereadsLogFormatFrom(t *testing.T) {
	dir := t.TempDir()
	conf, log := filepath.Join(dir, "nginx.conf"), filepath.Join(dir, "access.log")
	writeConf := func(format string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte("events {}\nhttp {\n  log_format up '"+format+"';\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConf(`$remote_addr $status $upstream_addr`)
	if err := os.WriteFile(log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	cfg := parse(t, fmt.Sprintf("logs:\n  - path: %s\n    format: nginx_access\n    log_format_from: {config: %s, name: up}\n    server: s\n", log, conf))
	if err := c.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	writeConf(`$remote_addr "$request" $status $upstream_addr`)
	if err := c.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	appendTo(t, log, `10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.9:80`+"\n")
	waitCount(t, c.m.Requests.WithLabelValues("nginx", "s", "10.0.0.9:80", "200"), 1)
	if got := testutil.ToFloat64(c.m.LogLines.WithLabelValues(log, "unrecognized")); got != 0 {
		t.Errorf("unrecognized = %v: the old format was still in use", got)
	}
}

// Two entries whose globs match the same file: the first counts it, once.
func TestApplyOverlappingGlobsCountOnce(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "error.log")
	refused := `2026/11/20 03:14:22 [error] 31#31: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: s, request: "GET / HTTP/1.1", upstream: "http://10.9.9.9:80/", host: "s"` + "\n"
	if err := os.WriteFile(log, []byte(refused+refused), 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	cfg := parse(t, fmt.Sprintf("logs:\n  - path: %s/*.log\n    from_beginning: true\n  - path: %s\n    from_beginning: true\n", dir, log))
	if err := c.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	errs := c.m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.9.9.9:80", "s")
	waitAllRead(t, c, log)
	if got := testutil.ToFloat64(errs); got != 2 {
		t.Errorf("errors = %v, want 2 (the file counted once)", got)
	}
	// Without the glob entry, the other one takes the file over.
	if err := c.Apply(parse(t, fmt.Sprintf("logs:\n  - path: %s\n", log))); err != nil {
		t.Fatal(err)
	}
	appendTo(t, log, refused)
	waitAllRead(t, c, log)
	if got := testutil.ToFloat64(errs); got != 3 {
		t.Errorf("errors = %v, want 3", got)
	}
}

// A reload that fails changes nothing: not the label limit, not the logs.
func TestApplyFailedReloadKeepsLimitAndLogs(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "error.log")
	if err := os.WriteFile(log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf("logs:\n  - path: %s\nlimits:\n  max_values_per_label: 5\n", log))); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.log")
	bad := fmt.Sprintf("logs:\n  - path: %s\nlimits:\n  max_values_per_label: 1\nsyslog:\n  - listen: udp://%s\n", other, busy.LocalAddr())
	if err := c.Apply(parse(t, bad)); err == nil {
		t.Fatal("no error for a busy port")
	}
	if c.gov.Limit() != 5 {
		t.Errorf("label limit %d after a failed reload, want 5", c.gov.Limit())
	}
	if _, ok := c.sources[log]; !ok || len(c.sources) != 1 {
		t.Errorf("logs after a failed reload: %v, want only %s", keysOf(c.sources), log)
	}
}

func keysOf[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
