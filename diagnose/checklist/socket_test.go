package checklist

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

func TestSocketFindingsComparesModeWithTheWorkerUser(t *testing.T) {
	dir, err := os.MkdirTemp("", "socktest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "app.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cfg := &nginxconf.Config{File: "n.conf", Directives: []*nginxconf.Directive{{Name: "user", Args: []string{"nobody", "nogroup"}, File: "n.conf", Line: 1}}}
	targets := []probe.Target{{Address: "unix:" + sock, Proxy: "nginx", Where: "n.conf:9"}, {Address: "unix:" + filepath.Join(dir, "missing.sock"), Proxy: "nginx"}}
	check := func(mode, dirMode os.FileMode) (string, int) {
		t.Helper()
		if err := os.Chmod(sock, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, dirMode); err != nil {
			t.Fatal(err)
		}
		fs, skipped := socketFindings(cfg, targets, nil)
		if len(skipped) != 0 {
			t.Fatalf("skipped %+v", skipped)
		}
		if len(fs) == 0 {
			return "", 0
		}
		if fs[0].Cause != "permission_denied" || fs[0].Upstream != "unix:"+sock {
			t.Fatalf("finding %+v", fs[0])
		}
		return fs[0].Fix, len(fs)
	}
	if fix, n := check(0o600, 0o755); n != 1 || !strings.Contains(fix, "chown nobody:nogroup "+sock) || !strings.Contains(fix, "n.conf:1") {
		t.Errorf("0600 socket: %d findings, fix %q", n, fix)
	}
	if fix, n := check(0o666, 0o700); n != 1 || !strings.Contains(fix, "chmod o+x "+dir) {
		t.Errorf("0700 directory: %d findings, fix %q", n, fix)
	}
	if _, n := check(0o666, 0o755); n != 0 {
		t.Errorf("0666 socket: %d findings", n)
	}
	cfg.Directives[0].Args = []string{"root"}
	if _, n := check(0o600, 0o700); n != 0 {
		t.Errorf("root workers: %d findings", n)
	}
	cfg.Directives[0].Args = []string{"no-such-user-diag"}
	if fs, skipped := socketFindings(cfg, targets, nil); len(fs) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "no-such-user-diag") {
		t.Errorf("unknown user: %+v %+v", fs, skipped)
	}
}
