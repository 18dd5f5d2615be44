// Package haproxytest runs a real HAProxy (the Debian package) for
// end-to-end tests: its own configuration in a temp dir, frontends on
// 127.0.0.1 only, stopped at test end.
package haproxytest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

// EnvBinary names an haproxy binary to use instead of /usr/sbin/haproxy or
// `haproxy` on PATH.
const EnvBinary = "BADGATEWAY_HAPROXY"

// DefaultBinary is where Debian and Ubuntu install haproxy.
const DefaultBinary = "/usr/sbin/haproxy"

// program is haproxy, for package e2ebin.
var program = e2ebin.Program{Pkg: "haproxytest", Name: "haproxy", Env: EnvBinary, Default: DefaultBinary, Debian: "haproxy"}

// Binary returns the haproxy binary to run ($BADGATEWAY_HAPROXY if set, else
// /usr/sbin/haproxy if present, else `haproxy` on PATH), or ends the test:
// Fatal where end-to-end tests are required (CI, BADGATEWAY_REQUIRE_E2E=1),
// Skip elsewhere. Every test that runs haproxy finds it here.
func Binary(tb testing.TB) string {
	tb.Helper()
	return program.Require(tb)
}

func find() (string, error) { return program.Find() }

// HAProxy is a running haproxy.
type HAProxy struct {
	path   string // haproxy.cfg
	cmd    *exec.Cmd
	out    *procout.Buffer
	exited chan struct{}
}

var bindRE = regexp.MustCompile(`(?m)^\s*bind\s+(\S+)`)

// Start writes cfg to haproxy.cfg in a temp dir ({{dir}} is replaced by that
// dir), runs haproxy in the foreground and waits until every `bind` address
// accepts connections. Binds must be on 127.0.0.1.
func Start(tb testing.TB, cfg string) *HAProxy {
	tb.Helper()
	bin := Binary(tb)
	dir := tb.TempDir()
	cfg = strings.ReplaceAll(cfg, "{{dir}}", dir)
	binds := bindRE.FindAllStringSubmatch(cfg, -1)
	for _, b := range binds {
		if !strings.HasPrefix(b[1], "127.0.0.1:") {
			tb.Fatalf("haproxytest: bind %s is not on 127.0.0.1", b[1])
		}
	}
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		tb.Fatal(err)
	}
	h := &HAProxy{path: path, out: &procout.Buffer{}, exited: make(chan struct{})}
	h.cmd = exec.Command(bin, "-f", path, "-db")
	h.cmd.Stdout, h.cmd.Stderr = h.out, h.out
	h.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := h.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = h.cmd.Wait(); close(h.exited) }()
	tb.Cleanup(h.Stop)
	for _, b := range binds {
		if err := h.waitListening(b[1]); err != nil {
			tb.Fatalf("%v\nhaproxy output:\n%s\nconfig:\n%s", err, h.Output(), cfg)
		}
	}
	return h
}

func (h *HAProxy) waitListening(addr string) error {
	for range 200 {
		select {
		case <-h.exited:
			return fmt.Errorf("haproxy exited")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("haproxy does not listen on %s after 5s", addr)
}

// ConfigPath is the haproxy.cfg it runs.
func (h *HAProxy) ConfigPath() string { return h.path }

// Output is what haproxy printed (its alerts and warnings).
func (h *HAProxy) Output() string { return h.out.String() }

// Stop terminates haproxy (SIGTERM, then SIGKILL after 3s).
func (h *HAProxy) Stop() {
	select {
	case <-h.exited:
		return
	default:
	}
	_ = syscall.Kill(-h.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-h.cmd.Process.Pid, syscall.SIGKILL)
		<-h.exited
	}
}
