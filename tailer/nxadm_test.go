package tailer

import (
	"io"
	"path/filepath"
	"time"

	"errors"
	"github.com/nxadm/tail"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/nxadm/tail/watch"
	"gopkg.in/tomb.v1"
)

// TestNxadmWatchExitsWithoutInotify records why the tailer does not use
// nxadm/tail's watch package (v1.4.11) for its wake-ups: when
// fsnotify.NewWatcher fails, e.g. because fs.inotify.max_user_instances is
// reached, its shared InotifyTracker calls util.Fatal, which exits the
// whole process (nxadm/tail#53; also on a stat error other than "not
// found"). The tailer's notifier falls back to polling instead
// (TestFollowWithoutInotify). If this test ever fails, that reason is gone.
func TestNxadmWatchExitsWithoutInotify(t *testing.T) {
	if os.Getenv("TAILER_TEST_NXADM_EXIT") == "1" {
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatal(err)
		}
		rl.Cur = 3 // no new file descriptor: inotify_init1 fails with EMFILE
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatal(err)
		}
		var tb tomb.Tomb
		_, err := watch.NewInotifyFileWatcher(os.Args[0]).ChangeEvents(&tb, 0)
		t.Fatalf("ChangeEvents returned (%v): the process survived", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNxadmWatchExitsWithoutInotify$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TAILER_TEST_NXADM_EXIT=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "FATAL -- failed to create Watcher") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// TestNxadmTailFileLosesLinesAfterRename records the other reason: with
// ReOpen, TailFile switches to the new file as soon as it sees the rename
// and never reads the old one again, so what nginx writes to the old file
// until `nginx -s reopen` is lost (the hpcloud/tail#127 behaviour, still in
// nxadm/tail; see also nxadm/tail#72). TestRenameRotation is our tailer
// in the same situation.
//
// TailFile is also racy here (a write landing before its watch is set up is
// not seen until the next write; a rename can kill the tail with ENOENT):
// the test skips when nxadm/tail fails in such another way, and fails only
// if the old file is read after the switch.
func TestNxadmTailFileLosesLinesAfterRename(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	appendFile(t, path, "")
	tl, err := tail.TailFile(path, tail.Config{
		Follow: true, ReOpen: true, CompleteLines: true,
		Location: &tail.SeekInfo{Whence: io.SeekStart}, Logger: tail.DiscardingLogger,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Cleanup()
	defer tl.Stop()
	next := func(want string) {
		t.Helper()
		select {
		case l, ok := <-tl.Lines:
			if !ok {
				t.Skipf("nxadm/tail stopped: %v", tl.Err())
			}
			if l.Text != want {
				t.Fatalf("got %q, want %q", l.Text, want)
			}
		case <-time.After(2 * time.Second):
			t.Skipf("nxadm/tail missed %q", want)
		}
	}
	nginx, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer nginx.Close()
	write(t, nginx, "a\n")
	next("a")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, "new-1\n")
	next("new-1") // it has switched to the new file
	write(t, nginx, "written before nginx reopens\n")
	appendFile(t, path, "new-2\n")
	next("new-2") // and the line above is lost

}
