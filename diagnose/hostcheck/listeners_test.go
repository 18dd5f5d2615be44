package hostcheck

import (
	"encoding/json"
	"os/exec"
	"syscall"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
	"github.com/badgateway/badgateway_exporter/internal/netnstest"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListenersLive opens listeners in this process and finds them in the
// real /proc, owned by this process.
func TestListenersLive(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	sock := filepath.Join(t.TempDir(), "app.sock")
	ux, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ux.Close()
	if err := os.Chmod(sock, 0o660); err != nil {
		t.Fatal(err)
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := Listeners("/proc")
	if err != nil {
		t.Logf("Listeners: %v", err) // other processes may be unreadable; ours is not
	}
	want := map[string]bool{tcp.Addr().String(): false, "unix:" + sock: false}
	for _, l := range ls {
		if _, ok := want[l.String()]; !ok {
			continue
		}
		want[l.String()] = true
		if l.PID != os.Getpid() || l.Command != strings.TrimSpace(string(comm)) {
			t.Errorf("%s: owner %s, want %s (pid %d)", l, l.Owner(), strings.TrimSpace(string(comm)), os.Getpid())
		}
		if l.Network == "unix" && (l.FileMode.Perm() != 0o660 || l.FileUID != os.Getuid() || l.FileGID < 0) {
			t.Errorf("%s: file %d:%d %v", l, l.FileUID, l.FileGID, l.FileMode)
		}
	}
	for addr, found := range want {
		if !found {
			t.Errorf("%s not found among %d listeners", addr, len(ls))
		}
	}
}

// TestListenersUnprivileged lists as user nobody, who may not read the fds
// of this (root) process: its listener is still listed, with pid unknown
// and the socket's uid.
func TestListenersUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		msg := "needs root, to run a child as nobody"
		if e2ebin.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir, err := os.MkdirTemp("", "bgw-hostcheck-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "list")
	if err := netnstest.CopyFile(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), listEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var ls []Listener
	if err := json.Unmarshal(out, &ls); err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.String() == ln.Addr().String() {
			if l.PID != 0 || l.UID != 0 || l.Owner() != "a process of uid 0 (pid unknown)" {
				t.Fatalf("as nobody: %+v", l)
			}
			return
		}
	}
	t.Fatalf("%s not listed as nobody (stderr %s): %+v", ln.Addr(), stderr.String(), ls)
}

// fakeProc builds a procRoot with the testdata /proc/net files and
// processes whose fd links point at some of the sockets.
func fakeProc(t *testing.T) string {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "net"), 0o755))
	for _, f := range []string{"tcp", "tcp6", "unix"} {
		must(os.WriteFile(filepath.Join(root, "net", f), []byte(readTestdata(t, "proc-net-"+f+".txt")), 0o644))
	}
	proc := func(pid, comm string, links ...string) {
		dir := filepath.Join(root, pid)
		must(os.MkdirAll(filepath.Join(dir, "fd"), 0o755))
		must(os.WriteFile(filepath.Join(dir, "comm"), []byte(comm+"\n"), 0o644))
		for i, l := range links {
			must(os.Symlink(l, filepath.Join(dir, "fd", string(rune('0'+i)))))
		}
	}
	proc("812", "node", "/dev/null", "socket:[1082258]", "pipe:[5]", "socket:[999]", "socket:[garbage")
	proc("900", "bad\xffname", "socket:[1082260]")
	proc("901", "gunicorn", "socket:[1082264]")
	proc("950", "forked-child", "socket:[1082258]") // a child sharing node's socket
	// A process that vanished between the listing and the fd scan, one
	// whose fd is not a directory, one without comm.
	must(os.MkdirAll(filepath.Join(root, "777"), 0o755))
	must(os.MkdirAll(filepath.Join(root, "778"), 0o755))
	must(os.WriteFile(filepath.Join(root, "778", "fd"), []byte("socket:[1082259]"), 0o644))
	must(os.MkdirAll(filepath.Join(root, "779", "fd"), 0o755))
	must(os.Symlink("socket:[1082261]", filepath.Join(root, "779", "fd", "3")))
	must(os.MkdirAll(filepath.Join(root, "self"), 0o755))
	return root
}

func TestListenersFakeProc(t *testing.T) {
	ls, err := Listeners(fakeProc(t))
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, l := range ls {
		owners[l.String()] = l.Owner()
	}
	for addr, want := range map[string]string{
		"127.0.0.1:3000":                   "node (pid 812)",
		"[::]:9000":                        `bad\xffname (pid 900)`,
		"unix:/tmp/diaghost-sock/app.sock": "gunicorn (pid 901)",
		"0.0.0.0:8080":                     "a process of uid 0 (pid unknown)",
		"[::1]:5000":                       "pid 779",
		"unix:@bgw-abstract":               "a process (pid unknown)",
	} {
		if owners[addr] != want {
			t.Errorf("%s: owner %q, want %q", addr, owners[addr], want)
		}
	}
}

func TestListenersMissingFiles(t *testing.T) {
	root := t.TempDir()
	if _, err := Listeners(root); err == nil { // no /proc mounted
		t.Fatal("want an error without net/tcp")
	}
	if err := os.MkdirAll(filepath.Join(root, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	line := "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 42 1\n"
	if err := os.WriteFile(filepath.Join(root, "net", "tcp"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	ls, err := Listeners(root) // no tcp6 (no IPv6), no unix: not an error
	if err != nil || len(ls) != 1 || ls[0].PID != 0 {
		t.Fatal(ls, err)
	}
}
