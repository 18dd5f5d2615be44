package packaging

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// requireTool returns the path of a program the test runs, or ends the
// test: it fails when end-to-end tests are required (CI=true or
// BADGATEWAY_REQUIRE_E2E=1) and is skipped with the reason elsewhere.
func requireTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	for _, dir := range []string{"/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"} {
		if fi, err := os.Stat(dir + name); err == nil && fi.Mode().IsRegular() {
			return dir + name
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	requireOrSkip(t, "%s not found: apt-get install %s, or run ./scripts/test.sh", name, debianPackage)
	return ""
}

// requireRoot ends the test unless it runs as root (failing under CI).
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		requireOrSkip(t, "needs root (installs a package on this machine)")
	}
}

func requireOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if nginxtest.E2ERequired() {
		t.Fatalf(format+"; end-to-end tests are required here (CI or %s=1)", append(args, nginxtest.EnvRequire)...)
	}
	t.Skipf(format, args...)
}

// run runs a command with a bounded time and returns its combined output;
// a failure ends the test with the output.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// runErr is run without ending the test.
func runErr(env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// waitMetrics scrapes url until the body contains every one of want, for
// at most d; it returns the last body and whether all were seen.
func waitMetrics(url string, d time.Duration, want ...string) (string, bool) {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(d)
	last := ""
	for time.Now().Before(deadline) {
		if body, err := get(client, url); err == nil {
			last = body
			if containsAll(body, want) {
				return body, true
			}
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return last, false
}

func get(client *http.Client, url string) (string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(body), fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(body), nil
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// lockedBuffer collects a process's output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
