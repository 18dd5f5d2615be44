package promtest

import (
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

// Bounds of this package's waits.
const (
	// ReadyTimeout bounds the wait for /-/ready after a start.
	ReadyTimeout = 30 * time.Second
	// pollInterval separates the polls of every wait.
	pollInterval = 100 * time.Millisecond
	// stopTimeout is how long a process gets after SIGTERM before SIGKILL.
	stopTimeout = 5 * time.Second
	// startAttempts bounds the retries when a free port was taken meanwhile.
	startAttempts = 3
)

// process is a server started by this package, in its own process group,
// killed when the test binary dies.
type process struct {
	name   string
	cmd    *exec.Cmd
	addr   string // 127.0.0.1:port of its HTTP API
	output *procout.Buffer
	exited chan struct{}

	stopOnce sync.Once
}

// startProcess runs bin with args built for a fresh port, reserved until the
// test ends (loopback.FreeTCPAddr), waits until GET /-/ready answers 200,
// and stops it in tb.Cleanup. A start that still fails with "address
// already in use" is retried on another port.
func startProcess(tb testing.TB, name, bin string, args func(addr string) []string) *process {
	tb.Helper()
	for attempt := 1; ; attempt++ {
		addr := loopback.FreeTCPAddr(tb) // reserved until the test ends
		p := &process{name: name, addr: addr, output: &procout.Buffer{Max: 256 << 10}, exited: make(chan struct{})}
		p.cmd = exec.Command(bin, args(addr)...)
		p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := p.cmd.Start(); err != nil {
			tb.Fatalf("promtest: start %s: %v", bin, err)
		}
		go func() { _ = p.cmd.Wait(); close(p.exited) }()
		err := p.waitReady(ReadyTimeout)
		if err == nil {
			tb.Cleanup(p.stop)
			return p
		}
		p.stop()
		if attempt < startAttempts && strings.Contains(p.output.String(), "address already in use") {
			tb.Logf("promtest: %s: port of %s taken, retrying", name, addr)
			continue
		}
		tb.Fatalf("promtest: %s %v: %v\n--- output ---\n%s", bin, p.cmd.Args[1:], err, p.output.String())
		return nil
	}
}

// waitReady polls /-/ready until it answers 200, the process exits or
// timeout passes.
func (p *process) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := client.Get("http://" + p.addr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return errors.New("exited during startup")
		case <-time.After(pollInterval):
		}
	}
	return fmt.Errorf("not ready after %v", timeout)
}

// stop sends SIGTERM to the process group, then SIGKILL after stopTimeout,
// and waits for the process to exit.
func (p *process) stop() {
	p.stopOnce.Do(func() {
		pgid := p.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(stopTimeout):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.exited
		}
	})
}
