package deploy_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

var (
	buildOnce sync.Once
	buildDir  string
	flakyBin  string
	buildErr  error
)

// TestMain removes the flaky-upstream binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// flakyBinary builds ./cmd/flaky-upstream once per test process: the tests
// run the same program as the demo.
func flakyBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "flaky-upstream-")
		if buildErr != nil {
			return
		}
		flakyBin = filepath.Join(buildDir, "flaky-upstream")
		out, err := exec.Command("go", "build", "-o", flakyBin, "github.com/badgateway/badgateway_exporter/cmd/flaky-upstream").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build flaky-upstream: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return flakyBin
}

// flaky is a running flaky-upstream.
type flaky struct {
	cmd     *exec.Cmd
	out     *procout.Buffer
	exited  chan struct{}
	waitErr error
	// listeners maps "flaky:PORT" of the compose file to the address the
	// listener got here, modes "flaky:PORT" to its mode.
	listeners, modes map[string]string
}

var listeningRE = regexp.MustCompile(`msg=listening mode=(\S+) address=(\S+)`)

// startFlaky runs flaky-upstream with the command of the compose file, its
// TCP listeners moved to ip with a port of the kernel's choosing and unix
// sockets mapped by m, and stops it (SIGTERM) at test end.
func startFlaky(t *testing.T, ip string, m *mapping) *flaky {
	t.Helper()
	type tcpListen struct{ mode, port string }
	var args []string
	var tcp []tcpListen
	for _, a := range service(t, "flaky").Command {
		mode, addr, isListen := strings.Cut(strings.TrimPrefix(a, "--listen."), "=")
		switch {
		case !strings.HasPrefix(a, "--listen.") || !isListen:
		case strings.HasPrefix(addr, "unix:"):
			a = m.apply(t, "flaky command", a)
		default:
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				t.Fatalf("flaky command %q: %v", a, err)
			}
			tcp = append(tcp, tcpListen{mode, port})
			a = "--listen." + mode + "=" + net.JoinHostPort(ip, "0")
		}
		args = append(args, a)
	}
	f := &flaky{out: &procout.Buffer{}, exited: make(chan struct{}), listeners: map[string]string{}, modes: map[string]string{}}
	f.cmd = exec.Command(flakyBinary(t), args...)
	f.cmd.Stdout, f.cmd.Stderr = f.out, f.out
	f.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { f.waitErr = f.cmd.Wait(); close(f.exited) }()
	t.Cleanup(func() { f.stop(t) })

	want := strings.Count(strings.Join(args, " "), "--listen.")
	var got [][]string
	for i := 0; len(got) < want; i++ {
		if i == 200 || f.hasExited() {
			t.Fatalf("flaky-upstream %v: %d of %d listeners after 5s:\n%s", args, len(got), want, f.out)
		}
		time.Sleep(25 * time.Millisecond)
		got = listeningRE.FindAllStringSubmatch(f.out.String(), -1)
	}
	byMode := map[string][]string{}
	for _, g := range got {
		if !strings.HasPrefix(g[2], "unix:") {
			byMode[g[1]] = append(byMode[g[1]], g[2])
		}
	}
	for _, l := range tcp { // the k-th listener of a mode is logged k-th
		key := "flaky:" + l.port
		f.listeners[key], f.modes[key] = byMode[l.mode][0], l.mode
		byMode[l.mode] = byMode[l.mode][1:]
	}
	return f
}

func (f *flaky) hasExited() bool {
	select {
	case <-f.exited:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and expects a clean exit within 5s.
func (f *flaky) stop(t *testing.T) {
	if f.hasExited() {
		t.Errorf("flaky-upstream exited before the end of the test: %v\n%s", f.waitErr, f.out)
		return
	}
	_ = f.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-f.exited:
		if f.waitErr != nil {
			t.Errorf("flaky-upstream after SIGTERM: %v\n%s", f.waitErr, f.out)
		}
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
		<-f.exited
		t.Errorf("flaky-upstream did not stop within 5s of SIGTERM")
	}
}

// closedAddr returns ip:port where nothing listens, reserved until the
// test ends (see loopback.ClosedTCPAddrOn).
func closedAddr(t *testing.T, ip string) string {
	t.Helper()
	return loopback.ClosedTCPAddrOn(t, ip)
}
