package tailer

// The goroutine driver, tested once for real: inotify (or the poll tick)
// wakes it, lines arrive on a channel. Waits are generous timeouts, never
// timing assertions.

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

const patience = 30 * time.Second

// chanHandler forwards lines and events; it fails the test if called after
// Stop returned.
type chanHandler struct {
	t       *testing.T
	lines   chan string
	events  chan Event
	stopped atomic.Bool
}

func newChanHandler(t *testing.T) *chanHandler {
	return &chanHandler{t: t, lines: make(chan string, 1000), events: make(chan Event, 1000)}
}

func (h *chanHandler) Line(l []byte) {
	if h.stopped.Load() {
		h.t.Error("Line after Stop returned")
	}
	h.lines <- string(l)
}

func (h *chanHandler) Event(ev Event) {
	if h.stopped.Load() {
		h.t.Error("Event after Stop returned")
	}
	h.events <- ev
}

// want receives the next lines and checks them.
func (h *chanHandler) want(lines ...string) {
	h.t.Helper()
	for _, w := range lines {
		select {
		case got := <-h.lines:
			if got != w {
				h.t.Fatalf("line %q, want %q", got, w)
			}
		case <-time.After(patience):
			h.t.Fatalf("no line %q within %v", w, patience)
		}
	}
}

// wantSet receives len(lines) lines and checks them regardless of order.
func (h *chanHandler) wantSet(lines ...string) {
	h.t.Helper()
	var got []string
	for range lines {
		select {
		case l := <-h.lines:
			got = append(got, l)
		case <-time.After(patience):
			h.t.Fatalf("got %q within %v, want %q", got, patience, lines)
		}
	}
	slices.Sort(got)
	lines = slices.Sorted(slices.Values(lines))
	if !slices.Equal(got, lines) {
		h.t.Fatalf("got %q, want %q", got, lines)
	}
}

// waitEvent waits for an event of kind k, discarding others.
func (h *chanHandler) waitEvent(k EventKind) {
	h.t.Helper()
	for {
		select {
		case ev := <-h.events:
			if ev.Kind == k {
				return
			}
		case <-time.After(patience):
			h.t.Fatalf("no %v event within %v", k, patience)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// followOne follows the one file path with a Group whose glob is that path,
// every file it yields going to h.
func followOne(t *testing.T, path string, o GroupOptions, h Handler) *Group {
	t.Helper()
	o.Globs = []string{path}
	o.Logger = quiet()
	g, err := FollowGroup(o, func(string) Handler { return h })
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestFollowOnePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	appendFile(t, path, "old\n")
	h := newChanHandler(t)
	tl := followOne(t, path, GroupOptions{Options: Options{RotateWait: time.Hour}}, h)
	h.waitEvent(Opened)
	appendFile(t, path, "a\nb\n")
	h.want("a", "b")

	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, "new\n")
	appendFile(t, path+".1", "late\n")
	h.wantSet("new", "late") // both, in whatever order they were noticed

	if err := tl.Stop(); err != nil {
		t.Fatal(err)
	}
	h.stopped.Store(true)
	appendFile(t, path, "after stop\n")
	if err := tl.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestFollowGroup(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, filepath.Join(dir, "a.log"), "a-old\n")
	handlers := make(chan *chanHandler, 10)
	g, err := FollowGroup(GroupOptions{
		Options: Options{Logger: quiet()},
		Globs:   []string{filepath.Join(dir, "*.log")},
	}, func(string) Handler {
		h := newChanHandler(t)
		handlers <- h
		return h
	})
	if err != nil {
		t.Fatal(err)
	}
	a := <-handlers // created by FollowGroup itself
	a.waitEvent(Opened)
	appendFile(t, filepath.Join(dir, "a.log"), "a-new\n")
	a.want("a-new")

	appendFile(t, filepath.Join(dir, "b.log"), "b-1\n")
	var b *chanHandler
	select {
	case b = <-handlers:
	case <-time.After(patience):
		t.Fatal("b.log not picked up")
	}
	b.want("b-1")
	if err := g.Stop(); err != nil {
		t.Fatal(err)
	}
}

// Without inotify (fs.inotify.max_user_instances reached, say) the tailer
// logs it and polls.
func TestFollowWithoutInotify(t *testing.T) {
	newWatcher = func() (*fsnotify.Watcher, error) {
		return nil, errors.New("inotify_init1: too many open files")
	}
	t.Cleanup(func() { newWatcher = fsnotify.NewWatcher })
	path := filepath.Join(t.TempDir(), "error.log")
	h := newChanHandler(t)
	tl := followOne(t, path, GroupOptions{Options: Options{PollInterval: 10 * time.Millisecond}, RescanInterval: 10 * time.Millisecond}, h)
	defer tl.Stop()
	appendFile(t, path, "polled\n")
	h.want("polled")
}

func TestStopWhileWaitingForFile(t *testing.T) {
	tl := followOne(t, filepath.Join(t.TempDir(), "missing.log"), GroupOptions{}, newChanHandler(t))
	done := make(chan error, 1)
	go func() { done <- tl.Stop() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(patience):
		t.Fatal("Stop hangs")
	}
}

func TestInvalidOptions(t *testing.T) {
	h := newChanHandler(t)
	if _, err := FollowGroup(GroupOptions{Globs: []string{"x"}}, nil); err == nil {
		t.Error("FollowGroup with nil newHandler succeeded")
	}
	newH := func(string) Handler { return h }
	for _, o := range []GroupOptions{
		{},
		{Globs: []string{"["}},
		{Options: Options{RotateWait: -1}, Globs: []string{"x"}},
		{Options: Options{MaxLineBytes: -1}, Globs: []string{"x"}},
		{Options: Options{PollInterval: -1}, Globs: []string{"x"}},
		{RescanInterval: -1, Globs: []string{"x"}},
	} {
		if _, err := FollowGroup(o, newH); err == nil {
			t.Errorf("FollowGroup(%+v) succeeded", o)
		}
	}
}
