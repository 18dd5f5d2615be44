package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// buildExporter compiles ./cmd/badgateway_exporter into dir.
func buildExporter(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "badgateway_exporter")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/badgateway/badgateway_exporter/cmd/badgateway_exporter")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// freePort returns a port on 127.0.0.1 that nothing was bound to a moment
// ago, found by binding port 0 (as internal/loopback does for the tests).
func freePort(network string) (int, error) {
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("free UDP port: %w", err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free TCP port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// exporterConfig is the configuration of the three sources; the positions
// file is the run's own, next to the logs.
func exporterConfig(errorLog, accessLog string, udpPort int) string {
	return fmt.Sprintf(`logs:
  - path: %q
    format: nginx_error
    from_beginning: true
  - path: %q
    format: nginx_access
    log_format: %q
    from_beginning: true
syslog:
  - listen: udp://127.0.0.1:%d
    routes: {haproxy: haproxy}
positions:
  file: %q
`, errorLog, accessLog, accessLogFormat, udpPort, filepath.Join(filepath.Dir(errorLog), "positions.json"))
}

// exporter is the running exporter process.
type exporter struct {
	cmd    *exec.Cmd
	addr   string
	logf   *os.File
	exited chan struct{}
}

// startExporter runs bin with the configuration file on a loopback port,
// its output going to logPath, and waits (at most 10 s) until it is ready.
func startExporter(bin, cfgPath, logPath string) (*exporter, error) {
	port, err := freePort("tcp")
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("exporter log: %w", err)
	}
	e := &exporter{addr: "127.0.0.1:" + strconv.Itoa(port), logf: logf, exited: make(chan struct{})}
	e.cmd = exec.Command(bin, "--config.file="+cfgPath, "--web.listen-address="+e.addr, "--log.level=info")
	e.cmd.Stdout, e.cmd.Stderr = logf, logf
	if err := e.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start exporter: %w", err)
	}
	go func() { _ = e.cmd.Wait(); close(e.exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + e.addr + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return e, nil
			}
		}
		select {
		case <-e.exited:
			return nil, fmt.Errorf("exporter exited at start (log: %s)", logPath)
		case <-time.After(50 * time.Millisecond):
		}
	}
	e.stop()
	return nil, fmt.Errorf("exporter not ready after 10s (log: %s)", logPath)
}

func (e *exporter) pid() int { return e.cmd.Process.Pid }

func (e *exporter) running() bool {
	select {
	case <-e.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM, then SIGKILL after 5 s.
func (e *exporter) stop() {
	defer e.logf.Close()
	if !e.running() {
		return
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(5 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
}

// scrape fetches and parses /metrics.
func (e *exporter) scrape() (map[string]*dto.MetricFamily, error) {
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get("http://" + e.addr + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("scrape: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape: %s", resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("scrape: %w", err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("scrape: parse: %w", err)
	}
	return fams, nil
}

var errExporterExited = errors.New("the exporter exited")
