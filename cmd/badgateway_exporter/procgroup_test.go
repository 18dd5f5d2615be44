package main

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// startProcessGroup starts cmd in a process group of its own (the caller
// sets cmd.SysProcAttr, e.g. its Pdeathsig) and stops the whole group when
// the test ends: SIGTERM, then SIGKILL after 10 s. The channel is closed
// when cmd has exited.
func startProcessGroup(t *testing.T, cmd *exec.Cmd) <-chan struct{} {
	t.Helper()
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	return exited
}
