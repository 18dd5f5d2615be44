package tailer

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
)

// maxKnown bounds the files a group remembers after closing them.
const maxKnown = 4096

// group is the synchronous core behind a Group: the followers, the
// globs that produce them, and the files read, by identity. Its methods run
// on one goroutine (the runner's, or a test's).
//
// A file is read by one follower at a time, whatever its names: a follower
// whose path names a file that another follower reads (error.log.1 after a
// rename inside the glob error.log*, a symlink, a hard link) waits until
// that one lets the file go, then continues where it stopped. A file let go
// is remembered (known) with its position, so that it is never read from
// its beginning again while it holds what was read.
type group struct {
	opts       Options
	globs      []string // nil: a fixed set of paths (the tests of one follower)
	newHandler func(path string) Handler
	e          env

	fs      []*follower // sorted by path
	byPath  map[string]*follower
	live    map[fileID]*follower // open files, by who reads them
	known   map[fileID]Position  // files closed after reading, or resumed from an earlier run
	order   []fileID             // known, oldest first
	cuts    []cut                // truncated files whose copy may still appear
	scanned bool
	resumed bool // positions of an earlier run were given: files without one are new
}

func newGroup(opts Options, globs []string, newHandler func(string) Handler, e env) *group {
	return &group{
		opts: opts, globs: globs, newHandler: newHandler, e: e,
		byPath: map[string]*follower{}, live: map[fileID]*follower{}, known: map[fileID]Position{},
	}
}

// resume makes the group continue from positions of an earlier run (or of
// the group it replaces). Files without a position are then new since that
// run and are read from their beginning. Call it before the first scan.
func (g *group) resume(ps []Position) {
	g.resumed = true
	for _, p := range ps {
		g.remember(p)
	}
}

func (g *group) add(f *follower) {
	g.byPath[f.path] = f
	i, _ := slices.BinarySearchFunc(g.fs, f.path, func(f *follower, p string) int { return strings.Compare(f.path, p) })
	g.fs = slices.Insert(g.fs, i, f)
}

// hold records that f reads s.
func (g *group) hold(s *source, f *follower) {
	if s.hasID {
		g.live[s.id] = f
		g.forget(s.id)
	}
}

// release records that s is closed after reading, and how far.
func (g *group) release(s *source, name string) {
	if !s.hasID {
		return
	}
	delete(g.live, s.id)
	if p, err := s.position(name); err == nil {
		g.remember(p)
	}
}

// drop records that s is closed when following stops.
func (g *group) drop(s *source) {
	if s.hasID && g.live[s.id] != nil {
		delete(g.live, s.id)
	}
}

func (g *group) remember(p Position) {
	id := p.id()
	if _, ok := g.known[id]; ok {
		g.forget(id)
	}
	g.known[id] = p
	g.order = append(g.order, id)
	if len(g.order) > maxKnown {
		delete(g.known, g.order[0])
		g.order = slices.Delete(g.order, 0, 1)
	}
}

func (g *group) forget(id fileID) {
	if _, ok := g.known[id]; ok {
		delete(g.known, id)
		g.order = slices.DeleteFunc(g.order, func(o fileID) bool { return o == id })
	}
}

// positions returns where every file read so far stands: those open, and
// those closed that the group remembers.
func (g *group) positions() []Position {
	var ps []Position
	for _, f := range g.fs {
		for _, s := range f.sources() {
			if !s.hasID {
				continue
			}
			if p, err := s.position(f.path); err == nil {
				ps = append(ps, p)
			}
		}
	}
	for _, id := range g.order {
		ps = append(ps, g.known[id])
	}
	return ps
}

// scan expands the globs: a follower is added for every new matching
// regular file, and dropped once its path no longer matches and it holds no
// file. On the first scan existing files start at their end (unless
// FromBeginning or resumed); files found later are read from their
// beginning.
func (g *group) scan() {
	if g.globs == nil {
		return
	}
	fromStart := g.scanned || g.opts.FromBeginning || g.resumed
	g.scanned = true

	var matches []string
	seen := map[string]bool{}
	for _, pat := range g.globs {
		paths, _ := g.e.glob(pat) // patterns were validated
		for _, p := range paths {
			if seen[p] {
				continue
			}
			seen[p] = true
			if fi, err := g.e.stat(p); err == nil && fi.Mode().IsRegular() {
				matches = append(matches, p)
			}
		}
	}
	slices.Sort(matches)

	g.fs = slices.DeleteFunc(g.fs, func(f *follower) bool {
		if seen[f.path] || f.cur != nil || f.draining() {
			return false
		}
		delete(g.byPath, f.path)
		f.close()
		return true
	})
	for _, p := range matches {
		if g.byPath[p] == nil {
			g.add(newFollower(g, p, g.newHandler(p), fromStart))
		}
	}
}

// round polls every follower once and reports whether any has more waiting.
func (g *group) round(budget int64) (more bool) {
	for _, f := range g.fs {
		more = f.poll(budget) || more
	}
	return more
}

// draining reports whether any follower still reads a rotated-away file.
func (g *group) draining() bool {
	return slices.ContainsFunc(g.fs, (*follower).draining)
}

// dirs returns the directories to watch for changes: those of the followed
// paths and of globs whose directory part has no meta characters.
func (g *group) dirs() []string {
	var ds []string
	for _, f := range g.fs {
		ds = append(ds, filepath.Dir(f.path))
	}
	for _, pat := range g.globs {
		if d := filepath.Dir(pat); !hasMeta(d) {
			ds = append(ds, d)
		}
	}
	slices.Sort(ds)
	return slices.Compact(ds)
}

func (g *group) paths() []string {
	ps := make([]string, len(g.fs))
	for i, f := range g.fs {
		ps[i] = f.path
	}
	return ps
}

func (g *group) close() error {
	var errs []error
	for _, f := range g.fs {
		errs = append(errs, f.close())
	}
	return errors.Join(errs...)
}

func hasMeta(p string) bool {
	for _, c := range p {
		switch c {
		case '*', '?', '[', '\\':
			return true
		}
	}
	return false
}
