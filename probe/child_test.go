package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// Some causes need the prober to run elsewhere: as an unprivileged user
// (root bypasses a socket's permissions) or in a network namespace of its
// own. The test binary then runs itself as a child that probes one target
// and prints the result as JSON.

// childEnv carries a childRequest to the child.
const childEnv = "BADGATEWAY_PROBE_CHILD"

type childRequest struct {
	Target   Target
	Timeout  time.Duration
	OnlyLoop bool // refuse to probe unless lo is the only interface
}

func TestMain(m *testing.M) {
	if req := os.Getenv(childEnv); req != "" {
		os.Exit(runChild(req))
	}
	os.Exit(m.Run())
}

func runChild(req string) int {
	var cr childRequest
	if err := json.Unmarshal([]byte(req), &cr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if cr.OnlyLoop {
		ifs, err := net.Interfaces()
		if err != nil || len(ifs) != 1 || ifs[0].Flags&net.FlagLoopback == 0 {
			fmt.Fprintf(os.Stderr, "refusing to probe: interfaces %v, %v\n", ifs, err)
			return 3
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), cr.Timeout)
	defer cancel()
	var r Result
	ProbeFuncs(nil)[cr.Target.Module](ctx, cr.Target, &r)
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		return 2
	}
	return 0
}

// probeInChild runs the probe in a child process made by cmd from the path
// of a copy of the test binary that any user can run and from the
// NAME=value that carries the request (also set in the child's
// environment; a command through sudo must pass it on itself).
func probeInChild(t *testing.T, dir string, req childRequest, cmd func(bin, env string) *exec.Cmd) Result {
	t.Helper()
	bin := filepath.Join(dir, "probe.test")
	if err := copyExecutable(bin); err != nil {
		t.Fatalf("copy the test binary for the child: %v", err)
	}
	data, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	env := childEnv + "=" + string(data)
	c := cmd(bin, env)
	c.Env = append(os.Environ(), env)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	c.WaitDelay = 10 * time.Second
	if err := c.Run(); err != nil {
		t.Fatalf("child %v: %v\n%s", c.Args, err, stderr.String())
	}
	var r Result
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("child output %q: %v", stdout.String(), err)
	}
	return r
}

func copyExecutable(dst string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	in, err := os.Open(self)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// worldDir is a temp directory that an unprivileged child can enter.
func worldDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "bgw-probe-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUnixSocketPermissionDenied(t *testing.T) {
	dir := worldDir(t)
	sock := filepath.Join(dir, "app.sock")
	probetest.Serve(t, "unix", sock, func(net.Conn) {})
	target := Target{Address: "unix:" + sock, Module: ModuleTCP}
	if os.Geteuid() != 0 {
		// Not root: a socket without permissions denies its owner too.
		if err := os.Chmod(sock, 0); err != nil {
			t.Fatal(err)
		}
		wantCause(t, runProbe(t, ProbeTCP, target, 5*time.Second), cause.PermissionDenied)
		return
	}
	// Root is never denied: probe as nobody, from a child process.
	asNobody := func(bin, _ string) *exec.Cmd {
		c := exec.Command(bin, "-test.run=^$")
		c.Dir = dir
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		return c
	}
	req := childRequest{Target: target, Timeout: 5 * time.Second}
	if err := os.Chmod(sock, 0o666); err != nil {
		t.Fatal(err)
	}
	wantSuccess(t, probeInChild(t, dir, req, asNobody)) // the child can connect at all
	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}
	wantCause(t, probeInChild(t, dir, req, asNobody), cause.PermissionDenied)
}

// TestUnreachable probes from a network namespace made for the test, with
// only a loopback interface: 192.0.2.0/24 (TEST-NET-1) has an unreachable
// route there, 198.51.100.0/24 (TEST-NET-2) no route at all. No packet can
// leave that namespace.
func TestUnreachable(t *testing.T) {
	ip := requireIP(t)
	root := asRoot(t, "creating a network namespace")
	ns := fmt.Sprintf("bgwprobe%d", os.Getpid())
	run := func(args ...string) {
		t.Helper()
		if out, err := root(ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("cannot set up a network namespace: ip %v: %v: %s", args, err, out)
		}
	}
	run("netns", "add", ns)
	t.Cleanup(func() {
		if out, err := root(ip, "netns", "delete", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v: %s", ns, err, out)
		}
	})
	run("-n", ns, "link", "set", "lo", "up")
	run("-n", ns, "route", "add", "unreachable", "192.0.2.0/24")
	// The request goes in the environment; sudo resets it, env sets it.
	inNS := func(bin string, env string) *exec.Cmd {
		return root(ip, "netns", "exec", ns, "env", env, bin, "-test.run=^$")
	}
	dir := worldDir(t)
	for addr, want := range map[string]cause.Cause{
		"192.0.2.1:80":    cause.HostUnreachable,
		"198.51.100.1:80": cause.NetworkUnreachable,
	} {
		req := childRequest{Target: Target{Address: addr, Module: ModuleTCP}, Timeout: 5 * time.Second, OnlyLoop: true}
		r := probeInChild(t, dir, req, inNS)
		wantCause(t, r, want)
		t.Logf("%s: %s", addr, r.Err)
	}
}
