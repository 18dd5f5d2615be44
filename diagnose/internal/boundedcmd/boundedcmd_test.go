package boundedcmd

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunCapsOutput(t *testing.T) {
	out, errOut, err := Run(t.Context(), 1000, "/bin/sh", "-c", "head -c 10000000 /dev/zero; head -c 5000 /dev/zero >&2")
	if err != nil || len(out) != 1000 || len(errOut) != 1000 {
		t.Fatalf("stdout %d bytes, stderr %d bytes, %v; want 1000 each", len(out), len(errOut), err)
	}
}

// A grandchild that keeps the pipes open after the program is killed does
// not keep Run waiting.
func TestRunReturnsWhenAGrandchildHoldsThePipe(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Cleanup(func() { killPidFile(t, pidFile) })
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, _, err := Run(ctx, 100, "/bin/sh", "-c", "sleep 600 & echo $! >"+pidFile+"; exec sleep 600")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a killed program ran without error")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Run still waits 60s after the timeout: the grandchild's pipe blocks it")
	}
}

// killPidFile kills the process whose id the test's script wrote.
func killPidFile(t *testing.T, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}
