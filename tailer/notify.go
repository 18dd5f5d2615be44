package tailer

import (
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/fsnotify/fsnotify"
)

// newWatcher is fsnotify.NewWatcher; a test makes it fail.
var newWatcher = fsnotify.NewWatcher

// notifier turns fsnotify events in the watched directories into wake-ups.
// It is only a latency optimisation: the runner also polls every
// PollInterval, and all decisions are taken by stat'ing paths. It never
// blocks fsnotify: a wake-up is a non-blocking send on a channel of
// capacity 1, so a burst of events becomes one poll.
type notifier struct {
	w      *fsnotify.Watcher
	log    *slog.Logger
	globs  []string
	wake   chan struct{}
	rescan atomic.Bool // a file was created, renamed or removed
	all    atomic.Bool // wake on any event: rotated files are being drained
	done   chan struct{}

	mu     sync.Mutex
	names  map[string]bool // followed paths
	failed map[string]bool // directories that could not be watched
}

// newNotifier returns nil, after logging why, if inotify is unavailable
// (e.g. fs.inotify.max_user_instances reached): the tailer then polls.
func newNotifier(globs []string, log *slog.Logger) *notifier {
	w, err := newWatcher()
	if err != nil {
		log.Warn("tailer: file notifications unavailable, polling only", "err", err)
		return nil
	}
	n := &notifier{
		w: w, log: log, globs: globs,
		wake: make(chan struct{}, 1), done: make(chan struct{}),
		names: map[string]bool{}, failed: map[string]bool{},
	}
	go n.run()
	return n
}

func (n *notifier) run() {
	defer close(n.done)
	for {
		select {
		case ev, ok := <-n.w.Events:
			if !ok {
				return
			}
			n.handle(ev)
		case err, ok := <-n.w.Errors:
			if !ok {
				return
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				n.log.Warn("tailer: file notification error", "err", err)
			}
			n.rescan.Store(true) // events may have been lost
			n.poke()
		}
	}
}

func (n *notifier) handle(ev fsnotify.Event) {
	structural := ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove)
	if structural {
		n.rescan.Store(true)
	}
	if structural || n.all.Load() || n.interesting(ev.Name) {
		n.poke()
	}
}

// interesting reports whether name is followed or may become so.
func (n *notifier) interesting(name string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.names[name] {
		return true
	}
	return slices.ContainsFunc(n.globs, func(g string) bool {
		ok, _ := filepath.Match(g, name)
		return ok
	})
}

func (n *notifier) poke() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// update sets the followed paths and watches dirs, retrying directories
// that could not be watched before (missing, or removed and re-created).
func (n *notifier) update(dirs, paths []string) {
	watched := map[string]bool{}
	for _, d := range n.w.WatchList() {
		watched[d] = true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	clear(n.names)
	for _, p := range paths {
		n.names[p] = true
	}
	for _, d := range dirs {
		if watched[d] {
			continue
		}
		if err := n.w.Add(d); err != nil {
			if !n.failed[d] {
				n.failed[d] = true
				n.log.Debug("tailer: cannot watch directory, polling it", "dir", d, "err", err)
			}
			continue
		}
		delete(n.failed, d)
	}
}

func (n *notifier) close() error {
	err := n.w.Close()
	<-n.done
	return err
}
