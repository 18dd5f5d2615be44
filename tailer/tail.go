package tailer

import (
	"errors"
	"path/filepath"
	"sync"
	"time"
)

// Group follows every regular file matching a set of globs, one tail per
// file, re-expanding the globs periodically so new files are picked up.
type Group struct{ r *runner }

// FollowGroup starts following the files matching opts.Globs. newHandler is
// called once per file, from the group's goroutine (or from FollowGroup for
// the files matching at start), when the file is first matched - and again
// if a file that vanished and was dropped is matched anew. All Handler
// calls of a Group come from one goroutine.
//
// Files that match at start are read from their end (unless
// FromBeginning); files that appear later are read from their beginning. A
// file that a glob matches under a new name after a rename rotation
// (error.log.1 for the glob error.log*) is not read twice: it is left to the
// tail draining it, then resumed where that tail stopped.
func FollowGroup(opts GroupOptions, newHandler func(path string) Handler) (*Group, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if newHandler == nil {
		return nil, errors.New("tailer: nil newHandler")
	}
	g := newGlobGroup(opts, newHandler, osEnv())
	return &Group{startRunner(g, opts.Options, opts.RescanInterval)}, nil
}

// newGlobGroup is the core of a Group, after its first scan.
func newGlobGroup(opts GroupOptions, newHandler func(string) Handler, e env) *group {
	globs := make([]string, len(opts.Globs))
	for i, g := range opts.Globs {
		globs[i] = filepath.Clean(g)
	}
	g := newGroup(opts.Options, globs, newHandler, e)
	if opts.Resume {
		g.resume(opts.Positions)
	}
	g.scan()
	return g
}

// Stop stops following and closes the files. It returns once the goroutine
// delivering lines has exited, so no Handler call happens after it; that
// goroutine checks for Stop between rounds of reading (at most 16 MiB per
// file each), so Stop waits no longer than one round of Handler calls. An
// incomplete last line is not delivered. Stop may be called more than once.
func (g *Group) Stop() error { return g.r.stop() }

// Positions returns where each file of the group stands: every line before
// a file's Offset has been delivered to its Handler. Pass them as
// GroupOptions.Positions to a later group to continue there. It waits for
// the group's goroutine to finish its current round of reading; after Stop
// it returns the positions at Stop.
func (g *Group) Positions() []Position { return g.r.positions() }

// runner is the goroutine driving a group: it polls on every notification
// and tick, re-polls at once while files have more data, and rescans the
// globs every rescan interval or when a file is created or renamed.
type runner struct {
	g        *group
	n        *notifier // nil: polling only
	interval time.Duration
	rescan   time.Duration
	quit     chan struct{}
	done     chan struct{}
	posReq   chan chan []Position
	once     sync.Once
	err      error
	final    []Position // at stop
}

func startRunner(g *group, opts Options, rescan time.Duration) *runner {
	r := &runner{
		g: g, n: newNotifier(g.globs, opts.Logger),
		interval: opts.PollInterval, rescan: rescan,
		quit: make(chan struct{}), done: make(chan struct{}), posReq: make(chan chan []Position),
	}
	go r.run()
	return r
}

func (r *runner) run() {
	defer close(r.done)
	tick := time.NewTicker(r.interval)
	defer tick.Stop()
	var wake <-chan struct{} // nil without notifier: never ready
	if r.n != nil {
		wake = r.n.wake
	}
	var lastScan time.Time
	for {
		if time.Since(lastScan) >= r.rescan || (r.n != nil && r.n.rescan.Swap(false)) {
			lastScan = time.Now()
			r.g.scan()
			if r.n != nil {
				r.n.update(r.g.dirs(), r.g.paths())
			}
		}
		for r.g.round(readBudget) {
			select {
			case <-r.quit:
				return
			case reply := <-r.posReq:
				reply <- r.g.positions()
			default:
			}
		}
		if r.n != nil {
			r.n.all.Store(r.g.draining())
		}
		select {
		case <-r.quit:
			return
		case reply := <-r.posReq:
			reply <- r.g.positions()
		case <-wake:
		case <-tick.C:
		}
	}
}

func (r *runner) positions() []Position {
	reply := make(chan []Position, 1)
	select {
	case r.posReq <- reply:
		return <-reply
	case <-r.done:
		r.stop()
		return r.final
	}
}

func (r *runner) stop() error {
	r.once.Do(func() {
		close(r.quit)
		<-r.done
		r.final = r.g.positions()
		var errs []error
		if r.n != nil {
			errs = append(errs, r.n.close())
		}
		errs = append(errs, r.g.close())
		r.err = errors.Join(errs...)
	})
	return r.err
}
