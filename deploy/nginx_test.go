package deploy_test

import (
	"net"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/internal/procout"
)

// nginxProc is the Debian nginx running deploy/nginx/nginx.conf (mapped).
type nginxProc struct {
	cmd    *exec.Cmd
	out    *procout.Buffer
	exited chan struct{}
}

// startNginx runs nginx as the official image does (`nginx -g 'daemon
// off;'`), with the mapped configuration in prefix, and waits until addr
// accepts connections. It is stopped at test end.
func startNginx(t *testing.T, prefix, addr string) *nginxProc {
	t.Helper()
	bin := nginxtest.RequireBinary(t)
	n := &nginxProc{out: &procout.Buffer{}, exited: make(chan struct{})}
	n.cmd = exec.Command(bin, "-p", prefix+"/", "-c", prefix+"/nginx.conf", "-e", "stderr", "-g", "daemon off;")
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = n.cmd.Wait(); close(n.exited) }()
	t.Cleanup(n.stop)
	for range 200 {
		select {
		case <-n.exited:
			t.Fatalf("nginx exited at start:\n%s", n.out)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return n
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("nginx does not listen on %s after 5s:\n%s", addr, n.out)
	return nil
}

// stop stops nginx gracefully (SIGQUIT), then SIGTERM, then SIGKILL to its
// process group, each wait bounded.
func (n *nginxProc) stop() {
	pid := n.cmd.Process.Pid
	for _, sig := range []syscall.Signal{syscall.SIGQUIT, syscall.SIGTERM} {
		select {
		case <-n.exited:
			return
		default:
		}
		_ = n.cmd.Process.Signal(sig)
		select {
		case <-n.exited:
			return
		case <-time.After(3 * time.Second):
		}
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	<-n.exited
}
