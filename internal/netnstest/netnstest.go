// Package netnstest runs a test in a network namespace of its own, made for
// it, and starts stand-in applications there: for tests that need firewall
// rules, routes, or a loopback where only their own processes listen.
//
// The test binary runs itself in the namespace, `ip netns exec NS test.bin
// -test.run ^TestName$`, with EnvChild set; the test body then runs in the
// child. The namespace has only lo: no packet can leave it.
package netnstest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
)

// EnvChild is set, to the namespace's name, in the test child that runs in
// the namespace.
const EnvChild = "BADGATEWAY_NETNS_CHILD"

// namespaces counts the namespaces this process made: their names are
// unique however many tests (and -count runs) share a name prefix.
var namespaces atomic.Int64

// InNamespace reports whether the test runs in its namespace child. When
// not, it creates the namespace (named prefix, the process id and a
// sequence number), runs ipSetup there (arguments to `ip -n NS`, without
// the -n NS), runs the test in the child, fails unless the child passed, and returns
// false: the caller returns. In the child it refuses to go on unless lo is
// the only interface.
func InNamespace(t *testing.T, prefix string, ipSetup ...[]string) bool {
	t.Helper()
	return inNamespace(t, prefix, "", ipSetup)
}

// InNamespaceHosts is InNamespace with hosts as the namespace's /etc/hosts
// (`ip netns exec` bind-mounts /etc/netns/NS/hosts there), e.g. to make
// localhost resolve to ::1 first.
func InNamespaceHosts(t *testing.T, prefix, hosts string, ipSetup ...[]string) bool {
	t.Helper()
	return inNamespace(t, prefix, hosts, ipSetup)
}

func inNamespace(t *testing.T, prefix, hosts string, ipSetup [][]string) bool {
	t.Helper()
	if os.Getenv(EnvChild) != "" {
		ifs, err := net.Interfaces()
		if err != nil || len(ifs) != 1 || ifs[0].Flags&net.FlagLoopback == 0 {
			t.Fatalf("refusing to run outside a loopback-only namespace: interfaces %v, %v", ifs, err)
		}
		return true
	}
	ip := RequireTool(t, "ip", "iproute2")
	if os.Geteuid() != 0 {
		msg := fmt.Sprintf("creating a network namespace needs root (euid %d)", os.Geteuid())
		if e2ebin.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ns := fmt.Sprintf("%s%d-%d", prefix, os.Getpid(), namespaces.Add(1))
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	if hosts != "" {
		writeHosts(t, ns, hosts)
	}
	run("netns", "add", ns)
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "delete", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v: %s", ns, err, out)
		}
	})
	run("-n", ns, "link", "set", "lo", "up")
	for _, args := range ipSetup {
		run(append([]string{"-n", ns}, args...)...)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ip, "netns", "exec", ns, self, "-test.run", "^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), EnvChild+"="+ns)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	t.Logf("in network namespace %s:\n%s", ns, out.String())
	if err != nil || !strings.Contains(out.String(), "--- PASS: "+t.Name()) {
		t.Fatalf("the test failed (or did not run) in its network namespace: %v", err)
	}
	return false
}

// RequireTool returns the path of a program (on PATH or in the sbin
// directories), or ends the test: Fatal where end-to-end tests are
// required, Skip elsewhere. debian names its package.
func RequireTool(t testing.TB, name, debian string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		if p, err := exec.LookPath(dir + "/" + name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("needs %s: apt-get install %s, or run ./scripts/test.sh", name, debian)
	if e2ebin.Required() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// MustRun runs a command and fails the test when it fails; it returns its
// combined output.
func MustRun(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(RequireTool(t, name, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return string(out)
}

// WaitListening polls until addr accepts a connection, for up to 60 s.
func WaitListening(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeHosts writes /etc/netns/ns/hosts, removed when the test ends.
func writeHosts(t *testing.T, ns, hosts string) {
	t.Helper()
	dir := filepath.Join("/etc/netns", ns)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(dir)
		_ = os.Remove("/etc/netns") // only when empty: another namespace may use it
	})
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
}
