package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

func TestConfigCheck(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--config.check", "--config.file=../../examples/quickstart.yml"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "configuration is valid") {
		t.Errorf("stdout %q", out.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.yml")
	os.WriteFile(bad, []byte("logs:\n  - path: /x.log\n    format: nginx_erorr\n"), 0o644)
	out.Reset()
	errOut.Reset()
	if code := run([]string{"--config.check", "--config.file=" + bad}, nil, &out, &errOut); code != 1 {
		t.Fatalf("exit %d for a bad config", code)
	}
	if want := bad + `:3: logs[0].format: unknown format \"nginx_erorr\"`; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q does not name file, line and field (%s)", errOut.String(), want)
	}
}

// --config.check compiles the access-log formats as a start would: an
// unknown built-in format is refused, located at its field.
func TestConfigCheckCompilesLogFormats(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yml")
	os.WriteFile(bad, []byte("logs:\n  - path: /x.log\n    format: nginx_access\n    log_format_name: fancy\n"), 0o644)
	var out, errOut bytes.Buffer
	code := run([]string{"--config.check", "--config.file=" + bad}, nil, &out, &errOut)
	want := bad + `:4: logs[0].log_format_name: no built-in log_format \"fancy\" (use log_format_from to read it from nginx.conf)`
	if code != 1 || !strings.Contains(errOut.String(), want) || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %s", code, out.String(), errOut.String(), want)
	}
}

// A format that does not compile stops the start, located at its field.
func TestBadLogFormatStopsStart(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(bad, []byte("logs:\n  - path: /x.log\n    format: nginx_access\n    log_format: '$status$status'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"--config.file=" + bad, "--web.listen-address=127.0.0.1:0"}, nil, &out, &errOut)
	if want := bad + ":4: logs[0].log_format: log_format: variables $status and $status"; code != 1 || !strings.Contains(errOut.String(), want) {
		t.Errorf("exit %d, stderr %q; want 1 and %s", code, errOut.String(), want)
	}
}

// An empty configuration is refused, by --config.check too, saying what to add.
func TestConfigCheckRefusesEmpty(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.yml")
	os.WriteFile(empty, nil, 0o644)
	var out, errOut bytes.Buffer
	code := run([]string{"--config.check", "--config.file=" + empty}, nil, &out, &errOut)
	if want := empty + ": nothing to do: add a logs entry"; code != 1 || !strings.Contains(errOut.String(), want) {
		t.Errorf("exit %d, stderr %q, want 1 and %q", code, errOut.String(), want)
	}
}

// absentLogConfig follows a log that does not exist (yet): a configuration
// with something to do, for tests of the web side.
func absentLogConfig(t *testing.T) string {
	return "logs:\n  - path: " + filepath.Join(t.TempDir(), "absent.log") + "\n"
}

// A bad config exits non-zero before serving anything.
func TestBadConfigExitsBeforeServing(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yml")
	os.WriteFile(bad, []byte("logz: []\n"), 0o644)
	var out, errOut bytes.Buffer
	code := run([]string{"--config.file=" + bad, "--web.listen-address=127.0.0.1:0"}, nil, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "bad.yml:1: logz: unknown field") {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
}

func TestVersionAndHelp(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--version"}, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "badgateway_exporter, version") {
		t.Errorf("--version: exit %d, %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"--help"}, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "--web.listen-address") {
		t.Errorf("--help: exit %d, %q", code, out.String())
	}
	if code := run([]string{"--no-such-flag"}, nil, &out, &out); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

// Reloading (SIGHUP and POST /-/reload) adds and removes logs without
// resetting counters; a broken file keeps the running configuration.
func TestReloadKeepsCounters(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	refused := `2026/11/20 03:14:22 [error] 31#31: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: s, request: "GET / HTTP/1.1", upstream: "http://10.9.9.9:80/", host: "s"` + "\n"
	os.WriteFile(a, []byte(refused), 0o644)
	os.WriteFile(b, []byte(refused+refused), 0o644)
	cfg := func(paths ...string) string {
		s := "logs:\n"
		for _, p := range paths {
			s += fmt.Sprintf("  - path: %s\n    from_beginning: true\n", p)
		}
		return s
	}
	exp := exportertest.Start(t, cfg(a), "--web.enable-lifecycle")
	sel := exportertest.Labels{"cause": "connection_refused", "upstream": "10.9.9.9:80"}
	exp.WaitFor(t, "badgateway_upstream_errors_total", sel, 1)

	os.WriteFile(exp.Config, []byte(cfg(a, b)), 0o644)
	if err := exp.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	exp.WaitFor(t, "badgateway_upstream_errors_total", sel, 3)

	os.WriteFile(exp.Config, []byte("logs: [\n"), 0o644)
	resp, err := http.Post("http://"+exp.Addr+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("reload of a broken file: %d, want 500", resp.StatusCode)
	}
	fams, _, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	if v := exportertest.Value(fams, "badgateway_exporter_config_last_reload_successful", nil); v != 0 {
		t.Errorf("config_last_reload_successful = %v after a failed reload", v)
	}
	f, _ := os.OpenFile(a, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(refused)
	f.Close()
	exp.WaitFor(t, "badgateway_upstream_errors_total", sel, 4) // the running config still follows a.log

	os.WriteFile(exp.Config, []byte(cfg(b)), 0o644)
	resp, err = http.Post("http://"+exp.Addr+"/-/reload", "", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reload: %v %v", resp, err)
	}
	resp.Body.Close()
	if got := exp.WaitFor(t, "badgateway_upstream_errors_total", sel, 4); got != 4 {
		t.Errorf("counter after reload = %v, want 4 (not reset, b.log not re-read)", got)
	}
	if resp, err := http.Get("http://" + exp.Addr + "/-/reload"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /-/reload: %d, want 405", resp.StatusCode)
		}
	}
}

func TestLandingHealthReady(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t))
	for path, want := range map[string]string{"/": "badgateway exporter", "/-/healthy": "Healthy", "/-/ready": "Ready"} {
		resp, err := http.Get("http://" + exp.Addr + path)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(buf.String(), want) {
			t.Errorf("GET %s: %d %q, want %q", path, resp.StatusCode, buf.String(), want)
		}
	}
	fams, _, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"badgateway_exporter_build_info", "go_goroutines", "process_resident_memory_bytes"} {
		if fams[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
}

func TestDisableExporterMetrics(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t), "--web.disable-exporter-metrics")
	fams, _, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	if fams["go_goroutines"] != nil || fams["process_resident_memory_bytes"] != nil {
		t.Error("Go/process metrics still exported")
	}
	if fams["badgateway_exporter_build_info"] == nil {
		t.Error("build_info missing")
	}
}
