// Package exportertest runs the real badgateway_exporter binary for
// end-to-end tests: it builds it once, starts it on a loopback port with a
// given configuration, and reads its /metrics the way Prometheus does.
package exportertest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds ./cmd/badgateway_exporter once per test process.
func Binary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "badgateway-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "badgateway_exporter")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/badgateway/badgateway_exporter/cmd/badgateway_exporter")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

// Exporter is a running exporter process.
type Exporter struct {
	tb     testing.TB
	cmd    *exec.Cmd
	Addr   string
	Config string
	logs   *bytes.Buffer
	mu     sync.Mutex
	exited chan struct{}
}

// Start writes cfg to a file and runs the exporter with it on a free
// 127.0.0.1 port, with extra flags; it returns once /-/ready answers.
func Start(tb testing.TB, cfg string, flags ...string) *Exporter {
	tb.Helper()
	e := StartNoWait(tb, cfg, flags...)
	for i := 0; i < 200; i++ {
		if resp, err := http.Get("http://" + e.Addr + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return e
			}
		}
		select {
		case <-e.exited:
			tb.Fatalf("exporter exited at start:\n%s", e.Logs())
		case <-time.After(25 * time.Millisecond):
		}
	}
	tb.Fatalf("exporter not ready after 5s:\n%s", e.Logs())
	return nil
}

// StartNoWait starts the exporter like Start but does not wait for it to
// serve (for servers that need TLS or credentials).
func StartNoWait(tb testing.TB, cfg string, flags ...string) *Exporter {
	tb.Helper()
	bin := Binary(tb)
	cfgPath := filepath.Join(tb.TempDir(), "badgateway.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		tb.Fatal(err)
	}
	addr := loopback.FreeTCPAddr(tb) // reserved until the test ends
	args := []string{"--config.file=" + cfgPath, "--web.listen-address=" + addr}
	if !slices.ContainsFunc(flags, func(f string) bool { return strings.HasPrefix(f, "--log.level") }) {
		args = append(args, "--log.level=debug")
	}
	args = append(args, flags...)
	e := &Exporter{tb: tb, Addr: addr, Config: cfgPath, logs: &bytes.Buffer{}, exited: make(chan struct{})}
	e.cmd = exec.Command(bin, args...)
	// Positions go to a directory of this test unless cfg names a file.
	e.cmd.Env = append(os.Environ(), "STATE_DIRECTORY="+tb.TempDir())
	e.cmd.Stdout, e.cmd.Stderr = e.logWriter(), e.logWriter()
	if err := e.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = e.cmd.Wait(); close(e.exited) }()
	tb.Cleanup(e.Stop)
	return e
}

type lockedWriter struct{ e *Exporter }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.e.mu.Lock()
	defer w.e.mu.Unlock()
	return w.e.logs.Write(p)
}

func (e *Exporter) logWriter() io.Writer { return lockedWriter{e} }

// Logs returns what the exporter printed so far.
func (e *Exporter) Logs() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logs.String()
}

// Signal sends sig to the exporter.
func (e *Exporter) Signal(sig syscall.Signal) error { return e.cmd.Process.Signal(sig) }

// Stop terminates the exporter (SIGTERM, then SIGKILL after 5s).
func (e *Exporter) Stop() {
	select {
	case <-e.exited:
		return
	default:
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(5 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
}

// Kill ends the exporter with SIGKILL, as a crash or the OOM killer
// would, and waits for it to exit.
func (e *Exporter) Kill() {
	_ = e.cmd.Process.Kill()
	<-e.exited
}

// Scrape fetches and parses /metrics.
func (e *Exporter) Scrape() (map[string]*dto.MetricFamily, []byte, error) {
	resp, err := http.Get("http://" + e.Addr + "/metrics")
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	return fams, body, err
}

// PID is the exporter's process id.
func (e *Exporter) PID() int { return e.cmd.Process.Pid }
