package hostcheck

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
)

// Tests that need a network of their own (firewall rules, routes, a
// loopback where only they listen) run in a network namespace made for
// them: the test binary runs itself there, `ip netns exec NS test.bin
// -test.run ^TestName$`, with netnsEnv set; the test body then runs in the
// child. The namespace has only lo: no packet can leave it.

const netnsEnv = "BADGATEWAY_HOSTCHECK_NETNS"

// inNetns reports whether the test runs in its namespace child. When not,
// it creates the namespace, runs setup commands there (`ip -n NS …` style
// arguments to ip, without the -n NS), runs the test in the child, fails
// unless the child passed, and returns false: the caller returns.
func inNetns(t *testing.T, ipSetup ...[]string) bool {
	t.Helper()
	if os.Getenv(netnsEnv) != "" {
		ifs, err := net.Interfaces()
		if err != nil || len(ifs) != 1 || ifs[0].Flags&net.FlagLoopback == 0 {
			t.Fatalf("refusing to run outside a loopback-only namespace: interfaces %v, %v", ifs, err)
		}
		return true
	}
	ip := requireTool(t, "ip", "iproute2")
	if os.Geteuid() != 0 {
		msg := fmt.Sprintf("creating a network namespace needs root (euid %d)", os.Geteuid())
		if e2ebin.Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ns := fmt.Sprintf("bgwhost%d%s", os.Getpid(), strings.ToLower(t.Name()[4:min(len(t.Name()), 12)]))
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
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
	cmd.Env = append(os.Environ(), netnsEnv+"="+ns)
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

// requireTool returns the path of a program, or ends the test: Fatal where
// end-to-end tests are required, Skip elsewhere.
func requireTool(t *testing.T, name, debian string) string {
	t.Helper()
	if p, err := lookPath(name); err == nil {
		return p
	}
	msg := fmt.Sprintf("needs %s: apt-get install %s, or run ./scripts/test.sh", name, debian)
	if e2ebin.Required() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// mustRun runs a command and fails the test when it fails.
func mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(requireTool(t, name, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return string(out)
}
