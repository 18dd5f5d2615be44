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
	dir, sock := listenUnix(t, "socktest")
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
		fs, skipped := socketFindings("nginx", nginxRunsAs(cfg), targets, nil)
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
	if fs, skipped := socketFindings("nginx", nginxRunsAs(cfg), targets, nil); len(fs) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "no-such-user-diag") {
		t.Errorf("unknown user: %+v %+v", fs, skipped)
	}
}

// TestSocketFindingsHAProxy: a HAProxy server on a unix socket (a path or
// unix@) is checked against the user and group of HAProxy's global
// section, which it switches to after binding.
func TestSocketFindingsHAProxy(t *testing.T) {
	dir, sock := listenUnix(t, "hasock")
	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "haproxy.cfg")
	write := func(global string) {
		t.Helper()
		text := "global\n" + global + "\n  log stdout local0 # user root in a comment\ndefaults\n  mode http\n  # user root\nbackend app\n  server s1 unix@" + sock + "\n  server s2 " + sock + "\n"
		if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	targets := []probe.Target{
		{Address: "unix:" + sock, Proxy: "haproxy", Upstream: "app/s1", Group: "app", Where: cfg + ":8"},
		{Address: "unix:" + sock, Proxy: "nginx", Where: "n.conf:3"}, // not HAProxy's
	}
	write("  user nobody\n  group nogroup")
	fs, skipped := socketFindings("haproxy", haproxyRunsAs(cfg), targets, nil)
	if len(skipped) != 0 || len(fs) != 1 {
		t.Fatalf("findings %+v skipped %+v", fs, skipped)
	}
	f := fs[0]
	if f.Cause != "permission_denied" || f.Upstream != "app/s1" || !strings.HasPrefix(f.Summary, "HAProxy (user nobody) cannot open "+sock) ||
		!strings.Contains(f.Fix, "chown nobody:nogroup "+sock) || !strings.Contains(f.Fix, cfg+":2") ||
		!strings.Contains(strings.Join(f.Evidence, "\n"), "HAProxy runs as nobody:nogroup") {
		t.Errorf("finding %+v", f)
	}
	if err := os.Chmod(sock, 0o666); err != nil {
		t.Fatal(err)
	}
	if fs, _ := socketFindings("haproxy", haproxyRunsAs(cfg), targets, nil); len(fs) != 0 {
		t.Errorf("0666 socket: %+v", fs)
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}
	write("  uid 0")
	if fs, skipped := socketFindings("haproxy", haproxyRunsAs(cfg), targets, nil); len(fs) != 0 || len(skipped) != 0 {
		t.Errorf("uid 0: %+v %+v", fs, skipped)
	}
	write("  maxconn 100")
	if fs, skipped := socketFindings("haproxy", haproxyRunsAs(cfg), targets, nil); len(fs) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "keeps the user that starts it") {
		t.Errorf("no user: %+v %+v", fs, skipped)
	}
	write("  user no-such-user-diag")
	if fs, skipped := socketFindings("haproxy", haproxyRunsAs(cfg), targets, nil); len(fs) != 0 || len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "no-such-user-diag") {
		t.Errorf("unknown user: %+v %+v", fs, skipped)
	}
	write("  user " + strings.Repeat("x", 2<<20)) // a line longer than the scanner takes
	if fs, skipped := socketFindings("haproxy", haproxyRunsAs(cfg), targets, nil); len(fs) != 0 || len(skipped) != 1 {
		t.Errorf("huge line: %+v %+v", fs, skipped)
	}
}

// listenUnix listens on app.sock in a new directory (mode 0755, under the
// system's temporary directory, which any user may traverse) until the
// test ends.
func listenUnix(t *testing.T, prefix string) (dir, sock string) {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock = filepath.Join(dir, "app.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return dir, sock
}
