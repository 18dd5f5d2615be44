package main

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

// chromium renders the /diagnose page as a browser would.
var chromium = e2ebin.Program{Pkg: "cmd/badgateway_exporter", Name: "chromium", Env: "BADGATEWAY_CHROMIUM",
	Default: "/usr/bin/chromium", Debian: "chromium"}

// envArtifacts names a directory where tests keep what a person may want
// to look at afterwards (the page's screenshots); else they go to a
// temporary directory.
const envArtifacts = "BADGATEWAY_TEST_ARTIFACTS"

func artifactPath(t *testing.T, name string) string {
	dir := os.Getenv(envArtifacts)
	if dir == "" {
		return filepath.Join(t.TempDir(), name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	return filepath.Join(dir, name)
}

// runChromium runs headless chromium on url with a fresh profile and
// returns its standard output. It cannot reach the network: background
// services are off, every name resolves to nothing, and any request that
// is not for loopback goes to a proxy at a closed loopback port (chromium
// never sends loopback through a proxy).
func runChromium(t *testing.T, bin, url string, args ...string) string {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-breakpad",
		"--user-data-dir=" + filepath.Join(home, "profile"),
		"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
		"--proxy-server=socks5://" + loopback.ClosedTCPAddr(t)}, args...)
	cmd := exec.CommandContext(ctx, bin, append(all, url)...)
	cmd.Env = append(os.Environ(), "HOME="+home)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

const diagnoseErrorLine = `2026/12/02 03:14:%02d [error] 31#31: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: %s, request: "GET / HTTP/1.1", upstream: "http://%s/", host: "%s"` + "\n"

// TestDiagnosePageInHeadlessChromium: the real exporter follows an nginx
// error log with refused connections to two upstreams and probes a closed
// port; a real browser renders /diagnose with the findings, the table rows
// and the fixes, and takes screenshots (kept as test artifacts).
func TestDiagnosePageInHeadlessChromium(t *testing.T) {
	browser := chromium.Require(t)
	logPath := filepath.Join(t.TempDir(), "error.log")
	if err := os.WriteFile(logPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	app, api, closed := "127.0.0.1:5000", "127.0.0.1:5001", loopback.ClosedTCPAddr(t)
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\nprobes:\n  interval: 1s\n  timeout: 500ms\n  targets:\n    - upstream: %s\n", logPath, closed))

	f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		up, server := app, "shop.test"
		if i%2 == 1 {
			up, server = api, "api.test"
		}
		fmt.Fprintf(f, diagnoseErrorLine, i, i+1, server, up, server)
	}
	f.Close()
	exp.WaitFor(t, "badgateway_upstream_errors_total", exportertest.Labels{"upstream": app, "cause": "connection_refused"}, 3)
	exp.WaitFor(t, "badgateway_upstream_errors_total", exportertest.Labels{"upstream": api, "cause": "connection_refused"}, 2)
	exp.WaitFor(t, "badgateway_probe_failures_total", exportertest.Labels{"upstream": closed, "cause": "connection_refused"}, 1)

	url := "http://" + exp.Addr + "/diagnose"
	dom := runChromium(t, browser, url, "--dump-dom")
	for _, want := range []string{
		"<h1>Why is this host returning 502s?</h1>",
		`<table id="failing">`,
		"<tr><td>nginx</td><td><code>127.0.0.1:5000</code></td><td><code>connection_refused</code></td><td class=\"n\">3</td>",
		"<tr><td>nginx</td><td><code>127.0.0.1:5001</code></td><td><code>connection_refused</code></td><td class=\"n\">2</td>",
		"<tr><td>probe</td><td><code>" + closed + "</code></td><td><code>connection_refused</code></td>",
		"nginx: connection_refused to 127.0.0.1:5000, 3 in the last 5 min",
		"nginx: connection_refused to 127.0.0.1:5001, 2 in the last 5 min",
		"probe of " + closed + " fails: connection_refused",
		"server: shop.test", "server: api.test",
		"nothing listens on that port or socket: check the app is running", // the fix
		"nginx -T shows where",
		"docs/runbook.md#connection_refused",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("rendered DOM:\n%s", dom)
	}

	for _, size := range []struct{ w, h int }{{1280, 1000}, {390, 844}} { // a laptop, a phone
		shot := artifactPath(t, fmt.Sprintf("diagnose-%dx%d.png", size.w, size.h))
		_ = os.Remove(shot)
		runChromium(t, browser, url, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", size.w, size.h))
		pf, err := os.Open(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		img, err := png.Decode(pf)
		pf.Close()
		if err != nil {
			t.Fatalf("screenshot %s: %v", shot, err)
		}
		if b := img.Bounds(); b.Dx() != size.w || b.Dy() != size.h {
			t.Errorf("screenshot %s is %v", shot, b)
		}
		t.Logf("screenshot: %s", shot)
	}
}

// /diagnose sits behind the --web.config.file basic auth, like /metrics,
// and says nosniff like every route.
func TestDiagnosePageBehindBasicAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webCfg := filepath.Join(t.TempDir(), "web.yml")
	if err := os.WriteFile(webCfg, []byte("basic_auth_users:\n  ops: "+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	exp := exportertest.StartNoWait(t, absentLogConfig(t), "--web.config.file="+webCfg)
	url := "http://" + exp.Addr + "/diagnose"
	client := &http.Client{Timeout: 30 * time.Second}
	var resp *http.Response
	deadline := time.Now().Add(30 * time.Second)
	for { // until it listens
		if resp, err = client.Get(url); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v\n%s", url, err, exp.Logs())
		}
		time.Sleep(25 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, url+"?format=json", nil)
	req.SetBasicAuth("ops", "s3cret")
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"findings"`) {
		t.Errorf("with credentials: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", resp.Header)
	}
}
