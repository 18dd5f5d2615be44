package hostcheck

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

func tcpL(addr, comm string, pid int) Listener {
	return Listener{Network: "tcp", Addr: netip.MustParseAddrPort(addr), PID: pid, Command: comm, UID: -1,
		Line: "line of " + addr}
}

func TestServiceAppOnAnotherPort(t *testing.T) {
	ls := []Listener{
		tcpL("0.0.0.0:22", "sshd", 500),
		tcpL("0.0.0.0:80", "nginx", 600),
		tcpL("127.0.0.1:9100", "node", 813), // another upstream's app
		tcpL("127.0.0.1:3000", "node", 812),
		tcpL("10.1.2.3:4000", "java", 900), // not reachable at 127.0.0.1
	}
	targets := []probe.Target{
		{Address: "127.0.0.1:5000", Module: probe.ModuleHTTP, Proxy: "nginx", Where: "sites-enabled/app:14"},
		{Address: "127.0.0.1:9100", Module: probe.ModuleHTTP, Proxy: "nginx", Where: "sites-enabled/other:3"},
	}
	fs := serviceFindings(ls, targets, nil)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	want := "nothing listens on 127.0.0.1:5000; node (pid 812) listens on 127.0.0.1:3000 — proxy_pass at sites-enabled/app:14"
	if f.Summary != want {
		t.Errorf("summary\n%q, want\n%q", f.Summary, want)
	}
	if f.Severity != diagnose.Critical || f.Check != diagnose.CheckService || f.Cause != "connection_refused" ||
		f.Upstream != "127.0.0.1:5000" || f.Runbook != "docs/runbook.md#connection_refused" || !f.Failing {
		t.Errorf("finding %+v", f)
	}
	if !strings.Contains(f.Fix, "change proxy_pass at sites-enabled/app:14 to 127.0.0.1:3000") {
		t.Errorf("fix %q", f.Fix)
	}
}

func TestServiceCoverage(t *testing.T) {
	own := map[netip.Addr]bool{netip.MustParseAddr("192.0.2.10"): true}
	for _, c := range []struct {
		name     string
		ls       []Listener
		target   string
		findings int
	}{
		{"exact", []Listener{tcpL("127.0.0.1:5000", "app", 1)}, "127.0.0.1:5000", 0},
		{"v4 wildcard", []Listener{tcpL("0.0.0.0:5000", "app", 1)}, "127.0.0.1:5000", 0},
		{"v4 wildcard, own address", []Listener{tcpL("0.0.0.0:5000", "app", 1)}, "192.0.2.10:5000", 0},
		{"dual-stack wildcard takes v4", []Listener{{Network: "tcp6", Addr: netip.MustParseAddrPort("[::]:5000")}}, "127.0.0.1:5000", 0},
		{"v4 wildcard does not take v6", []Listener{tcpL("0.0.0.0:5000", "app", 1)}, "[::1]:5000", 1},
		{"other loopback address", []Listener{tcpL("127.0.0.2:5000", "app", 1)}, "127.0.0.1:5000", 1},
		{"localhost on ::1 only", []Listener{{Network: "tcp6", Addr: netip.MustParseAddrPort("[::1]:5000")}}, "localhost:5000", 0},
		{"localhost nowhere", nil, "localhost:5000", 1},
		{"own address, nothing", nil, "192.0.2.10:5000", 1},
		{"remote upstream", nil, "192.0.2.99:5000", 0},
		{"host name not resolved", nil, "app.internal:5000", 0},
		{"garbage address", nil, "::::", 0},
	} {
		fs := serviceFindings(c.ls, []probe.Target{{Address: c.target}}, own)
		if len(fs) != c.findings {
			t.Errorf("%s: %d findings, want %d: %+v", c.name, len(fs), c.findings, fs)
		}
	}
}

func TestServiceUnixSockets(t *testing.T) {
	dir := t.TempDir()
	live, stale := filepath.Join(dir, "live.sock"), filepath.Join(dir, "stale.sock")
	ln, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // the file stays, nothing listens
	ls := []Listener{{Network: "unix", Path: live}}
	targets := []probe.Target{
		{Address: "unix:" + live, Proxy: "nginx", Group: "php", Where: "conf.d/php.conf:2"},
		{Address: "unix:" + filepath.Join(dir, "missing.sock"), Proxy: "nginx", Group: "php", Where: "conf.d/php.conf:3"},
		{Address: "unix:" + stale, Proxy: "haproxy", Upstream: "be/s1"},
	}
	fs := serviceFindings(ls, targets, nil)
	if len(fs) != 2 {
		t.Fatalf("findings %+v", fs)
	}
	if f := fs[0]; f.Cause != "socket_not_found" || f.Upstream != "unix:"+filepath.Join(dir, "missing.sock") ||
		!strings.Contains(f.Fix, "server in upstream php at conf.d/php.conf:3") {
		t.Errorf("missing socket: %+v", f)
	}
	if f := fs[1]; f.Cause != "connection_refused" || f.Upstream != "be/s1" || !strings.Contains(f.Evidence[0], "stale") {
		t.Errorf("stale socket: %+v", f)
	}
	if _, err := os.Stat(stale); err != nil {
		t.Fatal(err)
	}
}

func TestServiceWildcardCandidate(t *testing.T) {
	ls := []Listener{{Network: "tcp6", Addr: netip.MustParseAddrPort("[::]:3000"), PID: 5, Command: "puma"}}
	fs := serviceFindings(ls, []probe.Target{{Address: "127.0.0.1:5000", Proxy: "nginx", Group: "app", Where: "a.conf:3"}}, nil)
	if len(fs) != 1 || fs[0].Summary != "nothing listens on 127.0.0.1:5000; puma (pid 5) listens on [::]:3000 — server in upstream app at a.conf:3" ||
		!strings.HasPrefix(fs[0].Fix, "change server in upstream app at a.conf:3 to 127.0.0.1:3000 ") {
		t.Fatalf("%+v", fs)
	}
}

func TestServiceDirectiveFromConfig(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "php.conf")
	if err := os.WriteFile(conf, []byte("location ~ \\.php$ {\n    fastcgi_pass unix:/run/php/php-fpm.sock;\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "php-fpm.sock")
	fs := serviceFindings(nil, []probe.Target{{Address: "unix:" + sock, Proxy: "nginx", Module: probe.ModuleTCP, Where: conf + ":2"}}, nil)
	if len(fs) != 1 || !strings.Contains(fs[0].Summary, "fastcgi_pass at "+conf+":2") {
		t.Fatalf("%+v", fs)
	}
	for _, where := range []string{"", "nofile:3", conf + ":99", conf + ":x", conf + ":-1", ":2"} {
		if got := directiveAt(where); got != "" {
			t.Errorf("%q: %q", where, got)
		}
	}
}

func TestServiceNoCandidate(t *testing.T) {
	ls := []Listener{tcpL("0.0.0.0:22", "sshd", 1), {Network: "tcp", Addr: netip.MustParseAddrPort("127.0.0.1:3000"), UID: 1000}}
	fs := serviceFindings(ls, []probe.Target{{Address: "127.0.0.1:5000", Proxy: "haproxy", Group: "be", Upstream: "be/app"}}, nil)
	if len(fs) != 1 || fs[0].Summary != "nothing listens on 127.0.0.1:5000" || fs[0].Upstream != "be/app" ||
		!strings.Contains(fs[0].Fix, "server in backend be") {
		t.Fatalf("%+v", fs)
	}
}

// A [::] listener is taken to accept IPv4 (dual stack) unless the probe of
// the IPv4 upstream was refused: then it is IPV6_V6ONLY, and nothing
// listens on the IPv4 address.
func TestServiceV6OnlyWildcard(t *testing.T) {
	ls := []Listener{tcpL("[::]:5000", "app", 7)}
	targets := []probe.Target{{Address: "127.0.0.1:5000"}}
	if fs := serviceFindingsRefused(ls, targets, nil, nil); len(fs) != 0 {
		t.Errorf("dual stack, probe not refused: %+v", fs)
	}
	refused := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:5000")}
	fs := serviceFindingsRefused(ls, targets, nil, refused)
	if len(fs) != 1 || fs[0].Cause != "connection_refused" || !strings.Contains(fs[0].Summary, "nothing listens on 127.0.0.1:5000") {
		t.Errorf("v6-only, probe refused: %+v", fs)
	}
	// a refused probe of another port or of ::1 changes nothing
	other := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:5001"), netip.MustParseAddrPort("[::1]:5000")}
	if fs := serviceFindingsRefused(ls, targets, nil, other); len(fs) != 0 {
		t.Errorf("other refusals: %+v", fs)
	}
}
