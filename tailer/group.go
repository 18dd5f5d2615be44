package tailer

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// group is the synchronous core behind Tail and Group: the followers, the
// globs that produce them, and files retired after a rotation that a glob
// may match again. Its methods run on one goroutine (the runner's, or a
// test's).
type group struct {
	opts       Options
	globs      []string // nil: a fixed set of paths (Tail)
	newHandler func(path string) Handler
	e          env

	fs      []*follower // sorted by path
	byPath  map[string]*follower
	retired []handover
	scanned bool
}

// handover remembers how far a retired file was read, so that a glob
// matching it under its new name (error.log.1) continues there instead of
// reading it again.
type handover struct {
	fi  os.FileInfo
	off int64
}

func newGroup(opts Options, globs []string, newHandler func(string) Handler, e env) *group {
	return &group{opts: opts, globs: globs, newHandler: newHandler, e: e, byPath: map[string]*follower{}}
}

func (g *group) add(f *follower) {
	if g.globs != nil {
		f.retired = func(s *source) { g.retired = append(g.retired, handover{s.fi, s.off}) }
	}
	g.byPath[f.path] = f
	i, _ := slices.BinarySearchFunc(g.fs, f.path, func(f *follower, p string) int { return strings.Compare(f.path, p) })
	g.fs = slices.Insert(g.fs, i, f)
}

// scan expands the globs: a follower is added for every new matching
// regular file, and dropped once its path no longer matches and it holds no
// file. On the first scan existing files start at their end (unless
// FromBeginning); files found later are read from their beginning.
func (g *group) scan() {
	if g.globs == nil {
		return
	}
	fromStart := g.scanned || g.opts.FromBeginning
	g.scanned = true

	type match struct {
		path string
		fi   os.FileInfo
	}
	var matches []match
	seen := map[string]bool{}
	for _, pat := range g.globs {
		paths, _ := g.e.glob(pat) // patterns were validated
		for _, p := range paths {
			if seen[p] {
				continue
			}
			seen[p] = true
			if fi, err := g.e.stat(p); err == nil && fi.Mode().IsRegular() {
				matches = append(matches, match{p, fi})
			}
		}
	}
	slices.SortFunc(matches, func(a, b match) int { return strings.Compare(a.path, b.path) })

	g.fs = slices.DeleteFunc(g.fs, func(f *follower) bool {
		if seen[f.path] || f.cur != nil || f.draining() {
			return false
		}
		delete(g.byPath, f.path)
		f.close()
		return true
	})

	var accepted []os.FileInfo
	for _, m := range matches {
		if g.byPath[m.path] != nil {
			continue
		}
		// Another name of a file we read: a rotated file still drained
		// under its old name, a link, a file matched twice.
		if g.holds(m.fi) || slices.ContainsFunc(accepted, func(fi os.FileInfo) bool { return os.SameFile(fi, m.fi) }) {
			continue
		}
		accepted = append(accepted, m.fi)
		f := newFollower(m.path, g.opts, g.newHandler(m.path), g.e, fromStart)
		if i := slices.IndexFunc(g.retired, func(h handover) bool { return os.SameFile(h.fi, m.fi) }); i >= 0 {
			f.resumeAt(m.fi, g.retired[i].off)
			g.retired = slices.Delete(g.retired, i, i+1)
		}
		g.add(f)
	}
	g.retired = slices.DeleteFunc(g.retired, func(h handover) bool {
		return !slices.ContainsFunc(matches, func(m match) bool { return os.SameFile(h.fi, m.fi) })
	})
}

func (g *group) holds(fi os.FileInfo) bool {
	return slices.ContainsFunc(g.fs, func(f *follower) bool { return f.holds(fi) })
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
