package nginxtest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// Bounds of the waits of this package: polls run at most PollTries times,
// PollInterval apart (5 s in all).
const (
	PollInterval = 50 * time.Millisecond
	PollTries    = 100

	quitTimeout = 3 * time.Second // graceful stop (SIGQUIT)
	termTimeout = 3 * time.Second // fast stop (SIGTERM)
	killTimeout = 2 * time.Second // SIGKILL to the process group
)

// waitReady waits until the master has forked its worker (which it does
// after binding every listen socket) and {{listen}} is in LISTEN state. It
// does not connect: a probe connection would leave a "client closed
// connection while waiting for request" line in the error log.
func (n *Nginx) waitReady() error {
	for range PollTries {
		if n.hasExited() {
			return fmt.Errorf("nginxtest: nginx exited during startup: %v", n.waitErr)
		}
		log, _ := os.ReadFile(n.ErrorLogPath())
		if bytes.Contains(log, []byte("(98: Address already in use)")) {
			// nginx would retry bind() for 2.5 s before giving up.
			return fmt.Errorf("nginxtest: %w", errAddrInUse)
		}
		if n.ready(log) {
			return nil
		}
		select {
		case <-n.exited:
		case <-time.After(PollInterval):
		}
	}
	return fmt.Errorf("nginxtest: nginx not ready after %v", PollTries*PollInterval)
}

// errAddrInUse says that nginx could not bind a listen address.
var errAddrInUse = errors.New("listen address already in use")

func (n *Nginx) ready(log []byte) bool {
	if !bytes.Contains(log, []byte("start worker process ")) {
		return false
	}
	listening, err := tcpListening(n.port)
	return listening || err != nil // without /proc/net/tcp, trust the log
}

func (n *Nginx) hasExited() bool {
	select {
	case <-n.exited:
		return true
	default:
		return false
	}
}

func (n *Nginx) waitExit(d time.Duration) bool {
	select {
	case <-n.exited:
		return true
	case <-time.After(d):
		return false
	}
}

// abort kills an nginx that failed to start, and its process group.
func (n *Nginx) abort() {
	n.stopOnce.Do(func() {
		_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
		n.waitExit(killTimeout)
		n.client.CloseIdleConnections()
	})
}

// Stop stops nginx: SIGQUIT (graceful), then SIGTERM, then SIGKILL to its
// process group, each wait bounded. It returns an error if nginx had exited
// on its own before, or would not exit. Start registers Stop in tb.Cleanup;
// calling it earlier is fine, later calls return the first result.
func (n *Nginx) Stop() error {
	n.stopOnce.Do(func() {
		n.stopErr = n.stop()
		n.client.CloseIdleConnections()
	})
	return n.stopErr
}

func (n *Nginx) stop() error {
	if n.hasExited() {
		return fmt.Errorf("nginxtest: nginx exited before Stop: %v\n%s", n.waitErr, n.diagnostics())
	}
	pgid := n.cmd.Process.Pid
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGQUIT, quitTimeout}, {syscall.SIGTERM, termTimeout}} {
		_ = n.cmd.Process.Signal(step.sig)
		if n.waitExit(step.wait) {
			break
		}
	}
	if !n.hasExited() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		if !n.waitExit(killTimeout) {
			return fmt.Errorf("nginxtest: nginx (pid %d) did not exit after SIGKILL", pgid)
		}
	}
	if n.waitErr != nil {
		// The master did not shut down cleanly: its workers may be left.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
	return nil
}

// Reopen makes nginx reopen its log files, as after a logrotate: it sends
// SIGUSR1 (what `nginx -s reopen` does) to the master, and waits until the
// master and every worker hold the files now at ErrorLogPath and
// AccessLogPath. Rename the logs before calling it.
func (n *Nginx) Reopen() error {
	if n.hasExited() {
		return fmt.Errorf("nginxtest: reopen: nginx has exited: %v", n.waitErr)
	}
	if err := n.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		return fmt.Errorf("nginxtest: reopen: %w", err)
	}
	for range PollTries {
		ok, err := n.logsOpen()
		if err != nil {
			// Without /proc nothing shows that nginx reopened its logs:
			// fail rather than assume it did.
			return fmt.Errorf("nginxtest: reopen: cannot check the files nginx holds: %w", err)
		}
		if ok {
			return nil
		}
		time.Sleep(PollInterval)
	}
	return fmt.Errorf("nginxtest: reopen: workers still write to the old logs after %v", PollTries*PollInterval)
}

// logsOpen reports whether the master and each of its children have the
// current error and access log files open.
func (n *Nginx) logsOpen() (bool, error) {
	master := n.cmd.Process.Pid
	children, err := childPIDs(master)
	if err != nil {
		return false, err
	}
	if len(children) == 0 {
		return false, nil
	}
	for _, path := range []string{n.ErrorLogPath(), n.AccessLogPath()} {
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil // the master has not reopened yet
		}
		if err != nil {
			return false, fmt.Errorf("nginxtest: %w", err)
		}
		for _, pid := range append([]int{master}, children...) {
			open, err := hasOpen(pid, fi)
			if err != nil || !open {
				return false, err
			}
		}
	}
	return true, nil
}
