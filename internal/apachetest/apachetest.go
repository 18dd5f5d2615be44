// Package apachetest runs a real Apache httpd (the Debian apache2 package)
// for end-to-end tests: its own ServerRoot and configuration in a temp dir,
// the proxy modules loaded from /usr/lib/apache2/modules, listening on a
// reserved loopback port only, stopped at test end.
package apachetest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

// EnvBinary names an apache2 binary to use instead of /usr/sbin/apache2.
const EnvBinary = "BADGATEWAY_APACHE"

// DefaultBinary is where Debian and Ubuntu install Apache httpd.
const DefaultBinary = "/usr/sbin/apache2"

// ModulesDir is where Debian installs Apache's modules.
const ModulesDir = "/usr/lib/apache2/modules"

// program is apache2, for package e2ebin.
var program = e2ebin.Program{Pkg: "apachetest", Name: "apache2", Env: EnvBinary, Default: DefaultBinary, Debian: "apache2"}

// Binary returns the apache2 binary ($BADGATEWAY_APACHE, else
// /usr/sbin/apache2, else apache2 on PATH), or ends the test: Fatal where
// end-to-end tests are required (CI, BADGATEWAY_REQUIRE_E2E=1), Skip
// elsewhere.
func Binary(tb testing.TB) string {
	tb.Helper()
	return program.Require(tb)
}

// baseConfig is the server part of httpd.conf: %[1]s the dir, %[2]s the
// listen address, %[3]s the modules dir.
const baseConfig = `ServerRoot %[1]s
ServerName apache.test
Listen %[2]s
PidFile %[1]s/httpd.pid
DefaultRuntimeDir %[1]s
ErrorLog %[1]s/error.log
LogLevel warn
User nobody
Group nogroup
Mutex posixsem
LoadModule mpm_event_module %[3]s/mod_mpm_event.so
LoadModule authz_core_module %[3]s/mod_authz_core.so
LoadModule proxy_module %[3]s/mod_proxy.so
LoadModule proxy_http_module %[3]s/mod_proxy_http.so
LoadModule proxy_fcgi_module %[3]s/mod_proxy_fcgi.so
LoadModule slotmem_shm_module %[3]s/mod_slotmem_shm.so
LoadModule lbmethod_byrequests_module %[3]s/mod_lbmethod_byrequests.so
LoadModule proxy_balancer_module %[3]s/mod_proxy_balancer.so
LoadModule ssl_module %[3]s/mod_ssl.so
`

// BaseConfig is the server part of an httpd.conf in dir listening on
// addr, with the proxy modules loaded: what Start writes before the site.
func BaseConfig(dir, addr string) string { return fmt.Sprintf(baseConfig, dir, addr, ModulesDir) }

// Apache is a running httpd.
type Apache struct {
	dir, addr string
	cmd       *exec.Cmd
	out       *procout.Buffer
	exited    chan struct{}
	client    *http.Client
}

// Start writes httpd.conf (the base configuration and site, in which
// {{dir}} is the temp dir) and runs apache2 in the foreground until it
// accepts connections.
func Start(tb testing.TB, site string) *Apache {
	tb.Helper()
	bin := Binary(tb)
	a := &Apache{dir: tb.TempDir(), addr: loopback.FreeTCPAddr(tb), out: &procout.Buffer{}, exited: make(chan struct{})}
	// The children run as nobody when started by root: let them reach the
	// dir (a socket in it is then missing, not forbidden).
	for _, d := range []string{filepath.Dir(a.dir), a.dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	a.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	cfg := BaseConfig(a.dir, a.addr) + strings.ReplaceAll(site, "{{dir}}", a.dir)
	path := filepath.Join(a.dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		tb.Fatal(err)
	}
	a.cmd = exec.Command(bin, "-f", path, "-DFOREGROUND")
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := a.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = a.cmd.Wait(); close(a.exited) }()
	tb.Cleanup(a.Stop)
	if err := a.waitListening(); err != nil {
		log, _ := os.ReadFile(a.ErrorLogPath())
		tb.Fatalf("%v\napache output:\n%s\nerror log:\n%s\nconfig:\n%s", err, a.out.String(), log, cfg)
	}
	return a
}

func (a *Apache) waitListening() error {
	for range 200 {
		select {
		case <-a.exited:
			return fmt.Errorf("apache2 exited")
		default:
		}
		if c, err := net.DialTimeout("tcp", a.addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("apache2 does not listen on %s after 5s", a.addr)
}

// Dir is the ServerRoot.
func (a *Apache) Dir() string { return a.dir }

// ErrorLogPath is the error log's path.
func (a *Apache) ErrorLogPath() string { return filepath.Join(a.dir, "error.log") }

// Get sends GET path and returns the status and up to 1 MiB of the body.
func (a *Apache) Get(path string) (int, string, error) {
	resp, err := a.client.Get("http://" + a.addr + path)
	if err != nil {
		return 0, "", fmt.Errorf("apachetest: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), err
}

// Stop terminates apache2 and its children (SIGTERM to the process group,
// SIGKILL after 5s).
func (a *Apache) Stop() {
	select {
	case <-a.exited:
		return
	default:
	}
	_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-a.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
		<-a.exited
	}
}
