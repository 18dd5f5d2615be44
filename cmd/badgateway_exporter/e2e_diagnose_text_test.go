package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
)

// TestDiagnoseTextAnswersFirst: a backend down (3 failed requests), a
// backend slower than proxy_read_timeout (1), a healthy one and an
// upstream no request uses, as an operator reads it: the first line is
// the answer (the upstream that failed most), what the logs counted ranks
// above what only a probe found, and the fixes name file:line. It runs in a
// network namespace of its own: another program listening on the host's
// loopback would be named in the answer as the application that may have
// moved.
func TestDiagnoseTextAnswersFirst(t *testing.T) {
	if !netnstest.InNamespace(t, "bgxdiag") {
		return
	}
	dead, slow, ok, unused := loopback.ClosedTCPAddr(t), backend.Slow(t, 3*time.Second), backend.HTTPOK(t), loopback.ClosedTCPAddr(t)
	ngx := startNginxConf(t, "", fmt.Sprintf(`
        location /api/ { proxy_pass http://%s; }
        location /report/ { proxy_read_timeout 1s; proxy_pass http://%s; }
        location / { proxy_pass http://%s; }
    }
    upstream unused { server %s; }
    server { listen 127.0.0.1:2;`, dead, slow, ok, unused))
	client := &http.Client{Timeout: 30 * time.Second}
	for _, p := range []string{"api/a", "api/b", "api/c", "report/", ""} {
		if resp, err := client.Get(ngx.url + p); err == nil {
			resp.Body.Close()
		}
	}
	errorLog := strings.TrimSuffix(ngx.conf, "nginx.conf") + "error.log"
	waitLines(t, errorLog, "upstream timed out", 1)
	waitLines(t, errorLog, "Connection refused", 3)
	var stdout, stderr bytes.Buffer
	code := runContext(context.Background(), []string{"diagnose", "--nginx.config=" + ngx.conf, "--url=" + ngx.url + "api/", "--timeout=10s"},
		strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	t.Logf("exit %d\n%s%s", code, out, stderr.String())
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	flat := strings.Join(strings.Fields(out), " ")
	// Between the address and the directive the answer may name other
	// processes listening on this host (other test binaries, here): which
	// ones depends on what else runs, so any is accepted.
	want := regexp.MustCompile("^502s: nothing listens on " + regexp.QuoteMeta(dead) + "(; [^—]* listens on [^—]*)? — proxy_pass at " +
		regexp.QuoteMeta(ngx.conf) + `:18; 3 × connection_refused in the last 15m diagnose: 3 critical \(2 more below\), 0 warning`)
	if !want.MatchString(flat) {
		t.Errorf("the answer is not first: want\n%s", want)
	}
	deadAt, slowAt, unusedAt := strings.Index(out, "CRITICAL  connection_refused  "+dead), strings.Index(out, "CRITICAL  read_timeout  "+slow), strings.Index(out, "CRITICAL  connection_refused  "+unused)
	if deadAt < 0 || slowAt < deadAt || unusedAt < slowAt {
		t.Errorf("order: dead %d, slow %d, unused %d", deadAt, slowAt, unusedAt)
	}
	for _, want := range []string{slow + " did not answer within proxy_read_timeout 1s; 1 × read_timeout in the last 15m", "raise `proxy_read_timeout ", ngx.conf + ":19", "GET " + ngx.url + "api/ answered 502 Bad Gateway"} {
		if !strings.Contains(flat, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// waitLines waits until file holds n lines containing substr.
func waitLines(t *testing.T, file, substr string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got int
		if data, err := os.ReadFile(file); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if strings.Contains(l, substr) {
					got++
				}
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d lines with %q after 30s, want %d", file, got, substr, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
