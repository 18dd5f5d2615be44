package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// envRunMain makes the test binary run main() instead of the tests, so the
// tests below run flaky-upstream as a real process.
const envRunMain = "FLAKY_UPSTREAM_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// start runs flaky-upstream as a process with args and waits until it
// logged n listeners; it is killed at test end if still running.
func start(t *testing.T, n int, args ...string) (*exec.Cmd, map[string][]string, <-chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited, done := make(chan error, 1), make(chan struct{})
	go func() { waited <- cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return cmd, waitListening(t, log.String, n, done), waited
}

// exitCode waits (bounded) for the process to end and returns its status.
func exitCode(t *testing.T, waited <-chan error) int {
	t.Helper()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(10 * time.Second):
		t.Fatal("flaky-upstream did not exit within 10s")
		return -1
	}
}

func TestSIGTERM(t *testing.T) {
	cmd, _, waited := start(t, 2, "--listen.healthy=127.0.0.1:0", "--listen.hang=127.0.0.1:0")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, waited); code != 0 {
		t.Fatalf("exit status %d after SIGTERM, want 0", code)
	}
}

func TestCrashExit(t *testing.T) {
	_, addrs, waited := start(t, 1, "--listen.crash=127.0.0.1:0", "--crash.exit")
	if got, err := exchange(t, "tcp", addrs["crash"][0], 5*time.Second); err != nil || string(got) != "HTTP/1.1 200 OK\r\nContent-Type: text/pl" {
		t.Errorf("crash answered %q, %v", got, err)
	}
	if code := exitCode(t, waited); code != crashExitCode {
		t.Fatalf("exit status %d after a crash with --crash.exit, want %d", code, crashExitCode)
	}
	if c, err := net.DialTimeout("tcp", addrs["crash"][0], time.Second); err == nil {
		c.Close()
		t.Error("still listening after the crash")
	}
}
