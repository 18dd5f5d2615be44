package packaging

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dockerEnv returns the environment for docker commands: the running
// engine's if `docker info` answers, else that of a dockerd the test starts
// (host network only: --bridge=none --iptables=false, its own data root,
// exec root, pid file and unix socket in a temp dir) and stops in
// t.Cleanup.
func dockerEnv(t *testing.T, docker string) []string {
	t.Helper()
	env := []string{"DOCKER_BUILDKIT=0"} // the classic builder pulls no frontend image
	if _, err := runErr(env, docker, "info"); err == nil {
		return env
	}
	requireRoot(t)
	dockerd := requireTool(t, "dockerd", "docker.io")
	dir, err := os.MkdirTemp("", "bgdocker") // short: a unix socket path is at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	sock := "unix://" + filepath.Join(dir, "docker.sock")
	var logs lockedBuffer
	cmd := exec.Command(dockerd, "--bridge=none", "--iptables=false", "--ip6tables=false",
		"--data-root="+filepath.Join(dir, "root"), "--exec-root="+filepath.Join(dir, "exec"),
		"--pidfile="+filepath.Join(dir, "docker.pid"), "--host="+sock)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			t.Errorf("dockerd did not stop within 30s of SIGTERM; killing it\n%s", logs.String())
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		// dockerd leaves its network namespace (exec/netns/default) mounted.
		if err := unmountUnder(dir); err != nil {
			t.Errorf("%v", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing dockerd's directory: %v", err)
		}
	})
	env = append(env, "DOCKER_HOST="+sock)
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := runErr(env, docker, "info")
		if err == nil {
			return env
		}
		select {
		case <-exited:
			t.Fatalf("dockerd exited before it answered:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dockerd did not answer within 60s: %v\n%s", err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// unmountUnder detaches every mount point under dir, deepest first.
func unmountUnder(dir string) error {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("unmount under %s: %w", dir, err)
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// Field 5 is the mount point (octal escapes for spaces: not in dir).
		if fields := strings.Fields(sc.Text()); len(fields) > 4 && strings.HasPrefix(fields[4], dir+"/") {
			points = append(points, fields[4])
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("unmount under %s: %w", dir, err)
	}
	slices.Sort(points)
	slices.Reverse(points)
	for _, p := range points {
		if err := syscall.Unmount(p, syscall.MNT_DETACH); err != nil {
			return fmt.Errorf("unmount %s: %w", p, err)
		}
	}
	return nil
}
