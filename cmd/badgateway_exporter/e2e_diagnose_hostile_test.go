package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/backend"
)

// TestDiagnoseMalformedConfig: a configuration nginx would not parse, or
// that does not exist, means diagnose cannot run: exit 2 with the reason.
func TestDiagnoseMalformedConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(bad, []byte("http {\n server { listen 127.0.0.1:1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.conf")} {
		_, code, stderr := diagnoseJSON(t, "--nginx.config="+path)
		if code != 2 || !strings.Contains(stderr, path) {
			t.Errorf("%s: exit %d, stderr %q", path, code, stderr)
		}
	}
	_, code, stderr := diagnoseJSON(t, "--config.file="+bad)
	if code != 2 || !strings.Contains(stderr, "--config.file") {
		t.Errorf("exporter config: exit %d, stderr %q", code, stderr)
	}
}

// TestDiagnoseHugeConfigLine: a 4 MiB line is read (or refused) without a
// crash.
func TestDiagnoseHugeConfigLine(t *testing.T) {
	live := backend.HTTPOK(t)
	path := filepath.Join(t.TempDir(), "nginx.conf")
	conf := fmt.Sprintf("events {}\nhttp {\n server { listen 127.0.0.1:1;\n  proxy_set_header X-Big \"%s\";\n  location / { proxy_pass http://%s; }\n }\n}\n",
		strings.Repeat("a", 4<<20), live)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+path, "--nginx.binary=/nonexistent")
	if code == 2 {
		if stderr == "" {
			t.Fatal("exit 2 without a reason")
		}
		return
	}
	if code != 0 || len(r.Checked.Upstreams) != 1 {
		t.Fatalf("exit %d, report %+v, stderr %s", code, r, stderr)
	}
	for _, f := range r.Findings {
		if len(f.Summary)+len(f.Fix) > 64<<10 {
			t.Errorf("a finding carries the huge line: %d bytes", len(f.Summary)+len(f.Fix))
		}
	}
}

// TestDiagnoseUnreadableLogs: a log that is a FIFO (opening it must not
// block) and one that is a directory are listed as skipped, with why.
func TestDiagnoseUnreadableLogs(t *testing.T) {
	live := backend.HTTPOK(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "error.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ngxConf := filepath.Join(dir, "nginx.conf")
	conf := fmt.Sprintf("events {}\nhttp {\n access_log %s;\n server { listen 127.0.0.1:1; location / { proxy_pass http://%s; } }\n}\n", dir, live)
	if err := os.WriteFile(ngxConf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	expCfg := filepath.Join(dir, "exporter.yml")
	if err := os.WriteFile(expCfg, []byte(fmt.Sprintf("logs:\n  - path: %s\nprobes:\n  discover:\n    nginx_config: %s\n", fifo, ngxConf)), 0o644); err != nil {
		t.Fatal(err)
	}
	r, code, stderr := diagnoseJSON(t, "--config.file="+expCfg, "--nginx.binary=/nonexistent")
	if code != 0 {
		t.Fatalf("exit %d, findings %+v, stderr %s", code, r.Findings, stderr)
	}
	var got []string
	for _, s := range r.Checked.Skipped {
		if s.Check == "logs" {
			got = append(got, s.Reason)
		}
	}
	joined := strings.Join(got, "\n")
	if !strings.Contains(joined, fifo) || !strings.Contains(joined, dir+" (") || !strings.Contains(joined, "not a regular file") {
		t.Errorf("skipped logs %q", got)
	}
}

// TestDiagnoseUpstreamNeverAnswers: the probe is bounded by --timeout.
func TestDiagnoseUpstreamNeverAnswers(t *testing.T) {
	stuck := backend.NeverAnswer(t)
	path := filepath.Join(t.TempDir(), "nginx.conf")
	if err := os.WriteFile(path, []byte(fmt.Sprintf("events {}\nhttp {\n server { listen 127.0.0.1:1;\n location / { proxy_pass http://%s; } }\n}\n", stuck)), 0o644); err != nil {
		t.Fatal(err)
	}
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+path, "--nginx.binary=/nonexistent", "--timeout=1s")
	expectTop(t, topFinding(t, r, code, stderr), "read_timeout", stuck, "proxy_read_timeout")
}
