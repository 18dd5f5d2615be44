package runner

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// TestManager discovers from an nginx.conf whose upstream has a live and a
// dead peer, probes them, follows a reload, and keeps the targets when
// discovery fails.
func TestManager(t *testing.T) {
	live := probetest.Serve(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
		probetest.ReadRequest(c)
		_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
	}).Addr().String()
	dead := probetest.ClosedPort(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	writeConf := func(servers ...string) {
		var b strings.Builder
		b.WriteString("http {\n upstream app {\n")
		for _, s := range servers {
			fmt.Fprintf(&b, "  server %s;\n", s)
		}
		b.WriteString(" }\n server { location / { proxy_pass http://app; } location /v { proxy_pass http://$v; } }\n}\n")
		if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConf(live, dead)
	cfg := config.ProbesConfig{Interval: 200 * time.Millisecond, Timeout: 150 * time.Millisecond, Concurrency: 4,
		Discover: config.DiscoverConfig{NginxConfig: conf, Interval: time.Hour}}
	m := New(nil)
	t.Cleanup(m.Stop)
	if err := m.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	m.Start()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m.Collector())
	success := func(upstream string) string {
		return fmt.Sprintf(`badgateway_probe_success{group="app",proxy="nginx",upstream=%q} `, upstream)
	}
	waitMetrics(t, reg, success(live)+"1", success(dead)+"0",
		fmt.Sprintf(`badgateway_probe_failures_total{cause="connection_refused",upstream=%q}`, dead),
		fmt.Sprintf(`badgateway_probe_http_status_code{upstream=%q} 204`, live))
	status := get(t, m.StatusHandler(), "/?format=text")
	if !strings.Contains(status, "proxy_pass http://$v  built from variables ($v)") {
		t.Errorf("status page:\n%s", status)
	}

	// Reload: the dead peer is gone from the config.
	writeConf(live)
	if err := m.Apply(cfg); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "badgateway_probe_success"); err != nil || n != 1 {
		t.Errorf("after reload: %d success series, %v", n, err)
	}
	// A broken config: the targets stay, the error shows.
	if err := os.WriteFile(conf, []byte("http {"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.Rediscover()
	if n, _ := testutil.GatherAndCount(reg, "badgateway_probe_success"); n != 1 {
		t.Errorf("after a failed discovery: %d success series", n)
	}
	if status := get(t, m.StatusHandler(), "/?format=text"); !strings.Contains(status, "# discovery error: nginx: "+conf+":1: unexpected end of file") {
		t.Errorf("status page:\n%s", status)
	}
	if err := m.Apply(config.ProbesConfig{Interval: time.Second, Timeout: 2 * time.Second}); err == nil {
		t.Error("Apply accepted a timeout longer than the interval")
	}
}

func get(t *testing.T, h http.Handler, url string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	return rec.Body.String()
}

// waitMetrics polls (bounded) until the exposition has every line prefix.
func waitMetrics(t *testing.T, reg *prometheus.Registry, want ...string) {
	t.Helper()
	var text string
	for i := 0; i < 500; i++ {
		text = exposition(t, reg)
		missing := false
		for _, w := range want {
			if !strings.Contains(text, w) {
				missing = true
			}
		}
		if !missing {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("metrics never had %q:\n%s", want, text)
}

func exposition(t *testing.T, reg *prometheus.Registry) string {
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// TestManagerApache discovers from an Apache httpd.conf: a balancer
// member that answers HTTP and one that refuses, under proxy="apache".
func TestManagerApache(t *testing.T) {
	live := probetest.Serve(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
		probetest.ReadRequest(c)
		_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
	}).Addr().String()
	dead := probetest.ClosedPort(t)
	conf := filepath.Join(t.TempDir(), "httpd.conf")
	site := fmt.Sprintf("<Proxy balancer://app>\n  BalancerMember http://%s\n  BalancerMember http://%s\n</Proxy>\nProxyPass / balancer://app/\nProxyPass /v http://${BACKEND}/\n", live, dead)
	if err := os.WriteFile(conf, []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	m := New(nil)
	t.Cleanup(m.Stop)
	if err := m.Apply(config.ProbesConfig{Interval: 200 * time.Millisecond, Timeout: 150 * time.Millisecond, Concurrency: 4,
		Discover: config.DiscoverConfig{ApacheConfig: conf, Interval: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	m.Start()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m.Collector())
	success := func(upstream string) string {
		return fmt.Sprintf(`badgateway_probe_success{group="balancer://app",proxy="apache",upstream=%q} `, upstream)
	}
	waitMetrics(t, reg, success(live)+"1", success(dead)+"0",
		fmt.Sprintf(`badgateway_probe_http_status_code{upstream=%q} 204`, live))
	if status := get(t, m.StatusHandler(), "/?format=text"); !strings.Contains(status, "ProxyPass /v http://${BACKEND}/") {
		t.Errorf("status page:\n%s", status)
	}
}

// TestManagerApacheBinary: with apache_binary, the main file comes from its
// `-t -D DUMP_INCLUDES` output (here a script standing in for apachectl).
func TestManagerApacheBinary(t *testing.T) {
	dir := t.TempDir()
	refused := probetest.ClosedPort(t)
	conf := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(conf, []byte("ProxyPass / http://"+refused+"/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "apachectl")
	body := "#!/bin/sh\n[ \"$*\" = \"-f " + conf + " -t -D DUMP_INCLUDES\" ] || exit 1\nprintf 'Included configuration files:\\n  (*) %s\\n' " + conf + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	m := New(nil)
	t.Cleanup(m.Stop)
	if err := m.Apply(config.ProbesConfig{Interval: 200 * time.Millisecond, Timeout: 150 * time.Millisecond, Concurrency: 4,
		Discover: config.DiscoverConfig{ApacheBinary: script, ApacheArgs: []string{"-f", conf}, Interval: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	m.Start()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m.Collector())
	waitMetrics(t, reg, fmt.Sprintf(`badgateway_probe_success{group="",proxy="apache",upstream=%q} 0`, refused))
}
