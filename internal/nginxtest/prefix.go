package nginxtest

import (
	"os"
	"path/filepath"
	"testing"
)

// PrefixArgs makes a temp prefix directory (with logs/) for running nginx
// on a configuration of its own, as in `nginx -t` or `nginx -T`, and
// returns the arguments that keep nginx inside it: -p <prefix>, -e stderr
// and -g "pid <prefix>/logs/nginx.pid;". Without the pid, nginx opens the
// compiled-in /run/nginx.pid, which only root may write, so `nginx -t`
// fails for anyone else. The configuration must not set pid itself.
func PrefixArgs(tb testing.TB) []string {
	tb.Helper()
	prefix := tb.TempDir()
	logs := filepath.Join(prefix, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		tb.Fatalf("nginxtest: prefix: %v", err)
	}
	return []string{"-p", prefix, "-e", "stderr", "-g", "pid " + filepath.Join(logs, "nginx.pid") + ";"}
}
