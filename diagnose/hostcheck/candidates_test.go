package hostcheck

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/probe"
)

// TestCandidatesSkipInfrastructure: the monitoring stack, the exporter,
// databases, privileged ports, other upstreams' apps and addresses the
// proxy cannot reach at the configured IP are not the lost application.
func TestCandidatesSkipInfrastructure(t *testing.T) {
	ls := []Listener{
		tcpL("127.0.0.1:9093", "alertmanager", 10),
		tcpL("0.0.0.0:9090", "prometheus", 11),
		tcpL("127.0.0.1:9102", "badgateway_expo", 12),
		tcpL("127.0.0.1:9115", "blackbox_export", 13),
		tcpL("127.0.0.1:9187", "postgres_exporter", 14),
		tcpL("127.0.0.1:5001", "checklist.test", os.Getpid()),
		tcpL("0.0.0.0:3000", "grafana", 15),
		tcpL("127.0.0.1:5432", "postgres", 16),
		tcpL("127.0.0.1:6379", "redis-server", 17),
		tcpL("127.0.0.1:80", "python3", 18),                                          // privileged port
		tcpL("192.0.2.7:5002", "python3", 19),                                        // not reachable at 127.0.0.1
		tcpL("127.0.0.1:8081", "node", 20),                                           // another upstream's app
		{Network: "tcp", Addr: netip.MustParseAddrPort("127.0.0.1:7000"), UID: 1000}, // pid unknown
		{Network: "unix", Path: "/run/app.sock", PID: 21, Command: "gunicorn"},
	}
	targets := []probe.Target{
		{Address: "127.0.0.1:5000", Module: probe.ModuleHTTP, Proxy: "nginx", Where: "app.conf:4"},
		{Address: "127.0.0.1:8081", Module: probe.ModuleHTTP, Proxy: "nginx", Where: "app.conf:9"},
	}
	fs := serviceFindings(ls, targets, nil)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	if f := fs[0]; f.Summary != "nothing listens on 127.0.0.1:5000 — proxy_pass at app.conf:4" ||
		strings.Contains(f.Fix, "listens),") || len(f.Evidence) != 1 {
		t.Errorf("a process was named: %+v", f)
	}
	// The one plausible app among them is named, with readable evidence.
	ls = append(ls, Listener{Network: "tcp6", Addr: netip.MustParseAddrPort("[::]:3001"), PID: 812, Command: "node", UID: 1000, Inode: 1194645,
		Line: "3: 00000000000000000000000000000000:0BB9 00000000000000000000000000000000:0000 0A ..."})
	fs = serviceFindings(ls, targets, nil)
	f := fs[0]
	if f.Summary != "nothing listens on 127.0.0.1:5000; node (pid 812) listens on [::]:3001 — proxy_pass at app.conf:4" ||
		!strings.HasPrefix(f.Fix, "change proxy_pass at app.conf:4 to 127.0.0.1:3001 (where node (pid 812) listens)") {
		t.Errorf("one candidate: %+v", f)
	}
	if ev := strings.Join(f.Evidence, "\n"); !strings.Contains(ev, "listening instead: [::]:3001 LISTEN node pid 812 (uid 1000, inode 1194645)") || strings.Contains(ev, "0BB9") {
		t.Errorf("evidence %q", f.Evidence)
	}
}

// TestCandidatesListedWhenSeveral: with several plausible apps the finding
// names up to three, the one reachable at the configured IP and nearest
// port first, and says how many more; it picks none in the fix.
func TestCandidatesListedWhenSeveral(t *testing.T) {
	ls := []Listener{
		tcpL("127.0.0.1:8000", "python3", 30),
		tcpL("127.0.0.2:5001", "ruby", 31), // loopback, not at 127.0.0.1: last
		tcpL("0.0.0.0:3000", "node", 32),
		tcpL("[::]:3000", "node", 32),      // the same app on both families: once
		tcpL("127.0.0.1:3001", "node", 32), // and on another port: once
		tcpL("127.0.0.1:4000", "java", 33),
		tcpL("127.0.0.1:9000", "php-fpm", 34),
	}
	fs := serviceFindings(ls, []probe.Target{{Address: "127.0.0.1:5000", Proxy: "nginx", Group: "app", Where: "a.conf:3"}}, nil)
	if len(fs) != 1 {
		t.Fatalf("%+v", fs)
	}
	f := fs[0]
	want := "nothing listens on 127.0.0.1:5000 — server in upstream app at a.conf:3; other applications listen on 127.0.0.1:4000 (java, pid 33), 127.0.0.1:3001 (node, pid 32), 127.0.0.1:8000 (python3, pid 30) and 2 more"
	if f.Summary != want {
		t.Errorf("summary\n%q, want\n%q", f.Summary, want)
	}
	if !strings.HasPrefix(f.Fix, "start the application so that it listens on 127.0.0.1:5000, or change server in upstream app at a.conf:3 to where it listens: one of ") ||
		!strings.Contains(f.Fix, "`ps -o pid,user,args -p 33,32,30`") {
		t.Errorf("fix %q", f.Fix)
	}
	if len(f.Evidence) != 4 || !strings.HasPrefix(f.Evidence[1], "listening instead: 127.0.0.1:4000 LISTEN java pid 33") {
		t.Errorf("evidence %q", f.Evidence)
	}
}

func TestListenerDescribe(t *testing.T) {
	for _, c := range []struct {
		l    Listener
		want string
	}{
		{Listener{Network: "tcp", Addr: netip.MustParseAddrPort("127.0.0.1:3000"), PID: 812, Command: "node", UID: 1000, Inode: 7}, "127.0.0.1:3000 LISTEN node pid 812 (uid 1000, inode 7)"},
		{Listener{Network: "tcp", Addr: netip.MustParseAddrPort("0.0.0.0:22"), UID: 0}, "0.0.0.0:22 LISTEN pid unknown (uid 0)"},
		{Listener{Network: "tcp", Addr: netip.MustParseAddrPort("127.0.0.1:1"), PID: 3, UID: -1}, "127.0.0.1:1 LISTEN pid 3"},
		{Listener{Network: "unix", Path: "/run/a\xff.sock", PID: 9, Command: "php-fpm", UID: -1, FileUID: 33, FileGID: 33, FileMode: 0o660, Inode: 5},
			`unix:/run/a\xff.sock LISTEN php-fpm pid 9 (file -rw-rw---- uid 33 gid 33, inode 5)`},
	} {
		if got := c.l.Describe(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
