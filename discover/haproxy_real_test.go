package discover

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/haproxytest"
	"github.com/badgateway/badgateway_exporter/probe"
)

// haproxyWithSocket returns the fixture's -f arguments plus a config that
// adds an admin socket in a temp dir (HAProxy merges global sections).
func haproxyWithSocket(t *testing.T) (args []string, sock string) {
	tmp := t.TempDir()
	sock = filepath.Join(tmp, "admin.sock")
	extra := filepath.Join(tmp, "socket.cfg")
	if err := os.WriteFile(extra, []byte("global\n    stats socket "+sock+" level admin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"-f", "haproxy.cfg", "-f", "conf.d", "-f", extra}, sock
}

func TestHAProxyFixtureIsValid(t *testing.T) {
	bin := haproxytest.Binary(t)
	args, _ := haproxyWithSocket(t)
	cmd := exec.Command(bin, append([]string{"-c", "-q"}, args...)...)
	cmd.Dir = haproxyFixture(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c rejects the fixture: %v\n%s", err, out)
	}
}

// TestHAProxyMatchesRunningServers starts the real haproxy on the fixture
// and checks discovery against its `show servers state`: the same
// backend/server names, addresses and ports (the check port where checks
// are on), and the disabled ones not probed. Its health checks go to
// loopback addresses and unix sockets only.
func TestHAProxyMatchesRunningServers(t *testing.T) {
	bin := haproxytest.Binary(t)
	dir := haproxyFixture(t)
	args, sock := haproxyWithSocket(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-db", "-q"}, args...)...)
	cmd.Dir = dir
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	state := showServersState(t, sock, &out)

	ts, us, err := HAProxy(filepath.Join(dir, "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	extra, _, err := HAProxy(filepath.Join(dir, "conf.d"))
	if err != nil {
		t.Fatal(err)
	}
	ts = append(ts, extra...)
	byName := map[string]probe.Target{}
	for _, tg := range ts {
		byName[tg.Upstream] = tg
	}
	unprobeable := strings.Builder{}
	for _, u := range us {
		fmt.Fprintln(&unprobeable, u.What, u.Reason)
	}
	for _, s := range state {
		name := s["be_name"] + "/" + s["srv_name"]
		tg, ok := byName[name]
		delete(byName, name)
		disabled := s["srv_admin_state"] != "0" && s["srv_admin_state"] != "32" // 32: waiting for DNS
		switch {
		case disabled || s["srv_id"] == "0" || (s["srv_port"] == "0" && s["srv_check_port"] == "0" && s["srv_addr"] != "-"):
			if ok || !strings.Contains(unprobeable.String(), "server "+s["srv_name"]+" ") {
				t.Errorf("%s (admin state %s, port %s) should be listed as not probe-able", name, s["srv_admin_state"], s["srv_port"])
			}
			continue
		case !ok:
			t.Errorf("haproxy has %s, discovery does not", name)
			continue
		}
		port := s["srv_port"]
		if checks := s["srv_check_state"] != "0"; checks && s["srv_check_port"] != "0" {
			port = s["srv_check_port"]
		}
		want := net.JoinHostPort(s["srv_addr"], port)
		if s["srv_addr"] == "-" && s["srv_fqdn"] != "-" {
			want = net.JoinHostPort(s["srv_fqdn"], port)
		} else if s["srv_addr"] == "-" {
			want = "unix:" // a socket: the state does not show its path
		}
		if !strings.HasPrefix(tg.Address, want) {
			t.Errorf("%s: discovery probes %s, haproxy connects to %s", name, tg.Address, want)
		}
	}
	for name := range byName {
		t.Errorf("discovery has %s, haproxy does not", name)
	}
}

// showServersState asks the admin socket for `show servers state`, waiting
// (bounded) for haproxy to create it, and returns one map per server.
func showServersState(t *testing.T, sock string, log fmt.Stringer) []map[string]string {
	var conn net.Conn
	var err error
	for i := 0; i < 300; i++ {
		if conn, err = net.Dial("unix", sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("haproxy admin socket: %v\n%s", err, log)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintln(conn, "show servers state"); err != nil {
		t.Fatal(err)
	}
	var header []string
	var rows []map[string]string
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) > 1 && f[0] == "#":
			header = f[1:]
		case header != nil && len(f) == len(header):
			row := map[string]string{}
			for i, h := range header {
				row[h] = f[i]
			}
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("no servers in the state: %v", sc.Err())
	}
	return rows
}
