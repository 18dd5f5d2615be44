package hostcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var boot = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

func TestParseKmsgRecord(t *testing.T) {
	l, ok := ParseKmsgRecord("3,1234,5000000,-;Out of memory: Killed process 812 (node) total-vm:1204kB\n SUBSYSTEM=x\n", boot)
	if !ok || l.Text != "Out of memory: Killed process 812 (node) total-vm:1204kB" || !l.Time.Equal(boot.Add(5*time.Second)) {
		t.Fatalf("%+v %v", l, ok)
	}
	k, ok := ParseOOMKill(l)
	if !ok || k.PID != 812 || k.Command != "node" || !k.Time.Equal(l.Time) {
		t.Fatalf("%+v", k)
	}
	for _, bad := range []string{"", "no semicolon", "6,1;x", "6,1,-5;neg", "6,1,zz;x"} {
		if l, ok := ParseKmsgRecord(bad, boot); ok && !l.Time.IsZero() && l.Time.Before(boot) {
			t.Errorf("%q: %+v", bad, l)
		}
	}
	l, _ = ParseKmsgRecord("6,1,1;Killed process 9 (\xff\xfeapp)", boot)
	if k, ok := ParseOOMKill(l); !ok || k.Command != `\xff\xfeapp` {
		t.Errorf("invalid UTF-8 comm: %+v %v", k, ok)
	}
}

func TestParseDmesgRaw(t *testing.T) {
	text := "<6>[    0.000000] Linux version 6.1\n<3>[ 3600.500000] Memory cgroup out of memory: Killed process 900 (gunicorn) total-vm:1kB\n" +
		"garbage\n<4>[notanumber] x\n<4>[1e300] y\n[" + strings.Repeat("9", 5000) + "\n"
	ls := ParseDmesgRaw(text, boot)
	if len(ls) != 4 || !ls[1].Time.Equal(boot.Add(3600*time.Second+500*time.Millisecond)) || !ls[2].Time.IsZero() || !ls[3].Time.IsZero() {
		t.Fatalf("%+v", ls)
	}
	if k, ok := ParseOOMKill(ls[1]); !ok || k.PID != 900 || k.Command != "gunicorn" {
		t.Fatalf("%+v", k)
	}
	if _, ok := ParseOOMKill(ls[0]); ok {
		t.Fatal("not a kill")
	}
	// Older kernels: "Kill process".
	if k, ok := ParseOOMKill(KernelLine{Text: "Out of memory: Kill process 77 (java) score 900 or sacrifice child"}); !ok || k.PID != 77 {
		t.Fatalf("%+v", k)
	}
	many := strings.Repeat("<6>[1.0] x\n", maxKernelLines+10)
	if ls := ParseDmesgRaw(many, boot); len(ls) != maxKernelLines {
		t.Fatalf("bounded: %d", len(ls))
	}
}

// TestReadKmsgDoesNotBlock reads a FIFO whose writer stays open and
// silent: a blocking read would wait forever; readKmsg returns at EAGAIN.
func TestReadKmsgDoesNotBlock(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "kmsg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // O_RDWR: opening does not wait for a reader
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.WriteString("6,1,2000000,-;hello\n"); err != nil {
		t.Fatal(err)
	}
	done := make(chan []KernelLine, 1)
	go func() {
		ls, _ := readKmsg(context.Background(), fifo, boot)
		done <- ls
	}()
	select {
	case ls := <-done:
		if len(ls) != 1 || ls[0].Text != "hello" {
			t.Fatalf("%+v", ls)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("readKmsg blocked on a silent kernel log")
	}
	if _, err := readKmsg(context.Background(), filepath.Join(t.TempDir(), "none"), boot); err == nil {
		t.Fatal("want an error for a missing device")
	}
}

func TestBootTime(t *testing.T) {
	root := t.TempDir()
	now := boot.Add(time.Hour)
	writeFile(t, filepath.Join(root, "uptime"), "3600.00 7000.00\n")
	if got := bootTime(root, now); !got.Equal(boot) {
		t.Fatalf("%v", got)
	}
	writeFile(t, filepath.Join(root, "uptime"), "garbage")
	if got := bootTime(root, now); !got.IsZero() {
		t.Fatalf("%v", got)
	}
}
