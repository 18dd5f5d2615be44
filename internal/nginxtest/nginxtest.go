// Package nginxtest runs a real nginx for a test: a throw-away prefix
// directory, a generated nginx.conf around the test's http block, error and
// access logs the test can read, and a process that is stopped in
// tb.Cleanup.
//
// nginx listens on 127.0.0.1 only: Start refuses configurations whose listen
// directives are not loopback. When nginx is not installed, Start skips the
// test, or fails it when CI is set or BADGATEWAY_REQUIRE_E2E=1.
package nginxtest

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/procout"
)

// Nginx is a running nginx master process and its workers.
type Nginx struct {
	bin    string
	dir    string
	port   int
	cmd    *exec.Cmd
	output *procout.Buffer // nginx's own stdout and stderr
	client *http.Client

	exited  chan struct{} // closed when the master has exited
	waitErr error         // set before exited is closed

	stopOnce sync.Once
	stopErr  error
}

// Start writes nginx.conf into a fresh temp prefix directory, with
// httpConfig as the content of its http block, starts nginx and waits until
// its worker runs. nginx is stopped in tb.Cleanup.
//
// httpConfig must contain at least one server block with `listen
// {{listen}};`; see ListenPlaceholder, PortPlaceholder and DirPlaceholder.
// The generated main context sets daemon off, one worker, the pid file,
// error_log <dir>/logs/error.log at level info, access_log
// <dir>/logs/access.log and every temp path under <dir>/tmp; as root it also
// sets `user root root`.
func Start(tb testing.TB, httpConfig string) *Nginx {
	tb.Helper()
	bin := RequireBinary(tb)
	dir := tempDir(tb)
	if err := prepareDir(dir); err != nil {
		tb.Fatalf("%v", err)
	}
	for attempt := 1; attempt <= startAttempts; attempt++ {
		n, err := launch(bin, dir, FreePort(tb), httpConfig)
		if err != nil {
			tb.Fatalf("%v", err)
		}
		err = n.waitReady()
		if err == nil {
			tb.Cleanup(func() {
				if err := n.Stop(); err != nil {
					tb.Errorf("%v", err)
				}
			})
			return n
		}
		n.abort()
		diag := n.diagnostics()
		// FreePort races with other processes: try another port.
		if attempt < startAttempts && errors.Is(err, errAddrInUse) {
			tb.Logf("nginxtest: attempt %d: listen address in use, retrying", attempt)
			continue
		}
		tb.Fatalf("%v\n%s", err, diag)
		break
	}
	return nil // not reached: tb.Fatalf does not return
}

// startAttempts bounds the retries of Start when its port was taken.
const startAttempts = 3

// launch writes nginx.conf for port and starts the master, with a fresh
// error log.
func launch(bin, dir string, port int, httpConfig string) (*Nginx, error) {
	conf, err := renderConfig(dir, port, httpConfig, os.Geteuid() == 0)
	if err != nil {
		return nil, err
	}
	n := &Nginx{
		bin:    bin,
		dir:    dir,
		port:   port,
		output: &procout.Buffer{Max: 64 << 10},
		client: newClient(),
		exited: make(chan struct{}),
	}
	if err := os.WriteFile(n.ConfigPath(), []byte(conf), 0o644); err != nil {
		return nil, fmt.Errorf("nginxtest: %w", err)
	}
	if err := os.Remove(n.ErrorLogPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("nginxtest: %w", err)
	}
	if err := n.start(); err != nil {
		return nil, err
	}
	return n, nil
}

// tempDir returns tb.TempDir() when its path can appear unquoted in
// nginx.conf, else a directory of its own with a plain name.
func tempDir(tb testing.TB) string {
	tb.Helper()
	if dir := tb.TempDir(); safePath(dir) {
		return dir
	}
	dir, err := os.MkdirTemp("", "nginxtest")
	if err != nil {
		tb.Fatalf("nginxtest: %v", err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	if !safePath(dir) {
		tb.Fatalf("nginxtest: temp dir %q cannot be used in nginx.conf; set TMPDIR", dir)
	}
	return dir
}

// Dir returns the prefix directory (nginx -p), which holds nginx.conf,
// nginx.pid, logs/ and tmp/.
func (n *Nginx) Dir() string { return n.dir }

// ConfigPath returns the path of the generated nginx.conf.
func (n *Nginx) ConfigPath() string { return filepath.Join(n.dir, "nginx.conf") }

// ErrorLogPath returns the path of the error log (level info).
func (n *Nginx) ErrorLogPath() string { return filepath.Join(n.dir, "logs", "error.log") }

// AccessLogPath returns the path of the access log (combined format).
func (n *Nginx) AccessLogPath() string { return filepath.Join(n.dir, "logs", "access.log") }

// Addr returns the address of {{listen}}, "127.0.0.1:<port>".
func (n *Nginx) Addr() string { return "127.0.0.1:" + strconv.Itoa(n.port) }

// URL returns "http://127.0.0.1:<port>" followed by path.
func (n *Nginx) URL(path string) string { return "http://" + n.Addr() + path }

// args returns the command line options that select this instance; `nginx
// <args> -s reopen` would signal it.
func (n *Nginx) args() []string {
	return []string{"-p", n.dir + "/", "-c", n.ConfigPath(), "-e", n.ErrorLogPath()}
}

// start runs the master in its own process group, so that stopping can
// reach its workers too; it gets SIGTERM if the test binary dies.
func (n *Nginx) start() error {
	cmd := exec.Command(n.bin, n.args()...)
	cmd.Dir = n.dir
	cmd.Stdout = n.output
	cmd.Stderr = n.output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("nginxtest: start %s: %w", n.bin, err)
	}
	n.cmd = cmd
	go func() {
		n.waitErr = cmd.Wait()
		close(n.exited)
	}()
	return nil
}

// diagnostics returns nginx's output and error log, for failure messages.
func (n *Nginx) diagnostics() string {
	log, err := os.ReadFile(n.ErrorLogPath())
	if err != nil {
		log = []byte(err.Error())
	}
	var conf strings.Builder
	if b, err := os.ReadFile(n.ConfigPath()); err == nil {
		for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			fmt.Fprintf(&conf, "%3d  %s\n", i+1, l)
		}
	}
	return fmt.Sprintf("nginx %v\n--- output ---\n%s--- %s ---\n%s--- %s ---\n%s",
		n.args(), n.output.String(), n.ErrorLogPath(), log, n.ConfigPath(), conf.String())
}
