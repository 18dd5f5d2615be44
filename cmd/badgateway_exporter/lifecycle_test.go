package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

func post(t *testing.T, url, origin string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func lastReloadSuccessful(t *testing.T, exp *exportertest.Exporter) float64 {
	t.Helper()
	fams, _, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	return exportertest.Value(fams, "badgateway_exporter_config_last_reload_successful", nil)
}

// Without --web.enable-lifecycle, POST and PUT /-/reload answer 403 as in
// Prometheus and reload nothing; SIGHUP still reloads.
func TestReloadNeedsLifecycleFlag(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t))
	writeConfig(t, exp.Config, "logs: [\n") // a reload would fail and say so
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		req, err := http.NewRequest(method, "http://"+exp.Addr+"/-/reload", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || strings.TrimSpace(string(body)) != "Lifecycle API is not enabled." {
			t.Errorf("%s /-/reload: %d %q, want 403 Lifecycle API is not enabled.", method, resp.StatusCode, body)
		}
	}
	if v := lastReloadSuccessful(t, exp); v != 1 {
		t.Errorf("config_last_reload_successful = %v: the refused request reloaded", v)
	}
	if err := exp.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for i := 0; lastReloadSuccessful(t, exp) != 0; i++ {
		if i == 500 {
			t.Fatalf("SIGHUP did not reload the broken file:\n%s", exp.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// With --web.enable-lifecycle, a browser page of another origin cannot make
// the exporter reload; the same origin and clients without Origin can.
func TestReloadRefusesCrossOrigin(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t), "--web.enable-lifecycle")
	url := "http://" + exp.Addr + "/-/reload"
	for _, origin := range []string{"http://evil.example", "null", "http://" + exp.Addr + ".evil.example", "%zz"} {
		if code, body := post(t, url, origin); code != http.StatusForbidden {
			t.Errorf("Origin %s: %d %q, want 403", origin, code, body)
		}
	}
	for _, origin := range []string{"", "http://" + exp.Addr} {
		if code, body := post(t, url, origin); code != http.StatusOK || body != "Reloaded\n" {
			t.Errorf("Origin %q: %d %q, want 200 Reloaded", origin, code, body)
		}
	}
}

var listeningOn = regexp.MustCompile(`msg="Listening on" address=(\S+)`)

// /-/ready answers 503 while the sources start, with /-/healthy already 200
// and a reload refused with 503, and 200 once they have started.
func TestReadyOnlyOnceStarted(t *testing.T) {
	reached, release := make(chan struct{}), make(chan struct{})
	testHookStarting = func() { close(reached); <-release }
	t.Cleanup(func() { testHookStarting = nil })
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	cfg := filepath.Join(t.TempDir(), "badgateway.yml")
	writeConfig(t, cfg, absentLogConfig(t))
	logs := &procout.Buffer{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"--config.file=" + cfg, "--web.listen-address=127.0.0.1:0", "--web.enable-lifecycle"}, nil, io.Discard, logs)
	}()
	defer func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit %d after cancel:\n%s", code, logs)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("still serving 10s after cancel")
		}
	}()
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatalf("start-up not reached:\n%s", logs)
	}
	var addr string
	for i := 0; addr == ""; i++ {
		if m := listeningOn.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		} else if i == 500 {
			t.Fatalf("not listening after 10s:\n%s", logs)
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	get := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/-/healthy"); code != http.StatusOK {
		t.Errorf("/-/healthy while starting: %d, want 200", code)
	}
	if code := get("/-/ready"); code != http.StatusServiceUnavailable {
		t.Errorf("/-/ready while starting: %d, want 503", code)
	}
	if code, body := post(t, "http://"+addr+"/-/reload", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/-/reload while starting: %d %q, want 503", code, body)
	}
	released = true
	close(release)
	for i := 0; get("/-/ready") != http.StatusOK; i++ {
		if i == 500 {
			t.Fatalf("/-/ready not 200 10s after the start was released:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A source that cannot start ends the exporter with exit 1, never ready.
func TestStartFailureExits(t *testing.T) {
	taken, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := filepath.Join(t.TempDir(), "badgateway.yml")
	writeConfig(t, cfg, "syslog:\n  - listen: udp://"+taken.LocalAddr().String()+"\n")
	logs := &procout.Buffer{}
	code := runContext(t.Context(), []string{"--config.file=" + cfg, "--web.listen-address=127.0.0.1:0"}, nil, io.Discard, logs)
	if code != 1 || !strings.Contains(logs.String(), `msg="Cannot start"`) {
		t.Errorf("exit %d, want 1 with Cannot start:\n%s", code, logs.String())
	}
}

// writeConfig writes a configuration file or ends the test.
func writeConfig(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("write the config %s: %v", path, err)
	}
}
