package tailer

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"time"
)

// follower is the state machine following one path. It does nothing on its
// own: poll brings it up to date synchronously. Tests drive poll step by
// step; the runner goroutine calls it on every notification and tick.
type follower struct {
	path string
	opts Options
	h    Handler
	hold Holder // h, if it may hold lines; else nil
	e    env
	g    *group // the files every follower of the group reads or has read
	log  *slog.Logger

	cur *source   // the file path names, nil if none is open
	old []*source // renamed away or deleted, drained until their deadline

	startFI  os.FileInfo // file at path when following started (nil: none)
	startOff int64       // where to start reading startFI

	errMsg  string // error last reported, "" when healthy
	pollErr bool   // an error occurred during the current poll
	unidled bool   // lines were delivered since the last Idle
	holding bool   // h held the last line delivered
	rotated bool   // path named another file: the next one opened is a rotation
}

// newFollower prepares to follow path. Unless fromStart, a file already at
// path is read from its current end; it is stat'ed now so that lines
// appended before the first poll are not missed.
func newFollower(g *group, path string, h Handler, fromStart bool) *follower {
	f := &follower{path: path, opts: g.opts, h: h, e: g.e, g: g, log: g.opts.Logger.With("path", path)}
	f.hold, _ = h.(Holder)
	e := g.e
	if !fromStart {
		if fi, err := e.stat(path); err == nil && fi.Mode().IsRegular() {
			f.startFI, f.startOff = fi, fi.Size()
		}
	}
	return f
}

// poll drains rotated-away files, checks what path names now (rotation,
// truncation, deletion, creation), and delivers every complete line
// available, reading at most budget bytes per file. It reports whether more
// is waiting (a budget ran out), in which case the caller polls again
// without waiting. Idle is sent when a poll ends caught up after lines.
func (f *follower) poll(budget int64) (more bool) {
	f.pollErr = false
	more = f.drainOld(budget)
	f.check(budget)
	if f.cur != nil {
		more = f.readSource(f.cur, budget) || more
	}
	if !f.pollErr && f.errMsg != "" {
		f.errMsg = ""
		f.log.Info("tailer: recovered")
		f.event(Event{Kind: Recovered})
	}
	if !more && f.unidled {
		f.unidled = false
		f.event(Event{Kind: Idle})
	}
	return more
}

func (f *follower) drainOld(budget int64) (more bool) {
	now := f.e.now()
	kept := f.old[:0]
	for _, s := range f.old {
		m := f.readSource(s, budget)
		if !m && !now.Before(s.until) {
			f.retire(s)
			continue
		}
		more = more || m
		kept = append(kept, s)
	}
	clear(f.old[len(kept):])
	f.old = kept
	return more
}

// check compares the file at path with the one being read.
func (f *follower) check(budget int64) {
	fi, err := f.e.stat(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if f.cur != nil {
			f.abandon(budget)
			f.log.Info("tailer: file deleted")
			f.event(Event{Kind: Deleted})
		}
		return
	case err != nil:
		f.fail(err)
		return
	case !fi.Mode().IsRegular():
		f.fail(fmt.Errorf("tailer: %s is not a regular file", f.path))
		return
	}
	switch {
	case f.cur == nil:
		f.open(fi)
	case !os.SameFile(f.cur.fi, fi):
		f.abandon(budget)
		f.rotated = true
		f.open(fi)
	case f.cur.truncated(fi):
		f.recoverCopy(f.cur)
		f.cur.restart()
		f.log.Info("tailer: file truncated")
		f.event(Event{Kind: Truncated})
	}
}

// open starts reading the file at path, fi. A file that another follower
// of the group is reading (under its old name, after a rename inside the
// glob) is left to it until it lets the file go; a file that this follower
// is still draining (renamed away and back) is taken back where it was.
// Otherwise reading resumes where the group last left the file, if it
// still holds what was read; else at the start offset chosen when
// following started, for the file that was there then; else at 0.
func (f *follower) open(fi os.FileInfo) {
	kind := Opened
	if f.rotated {
		kind = Rotated
	}
	id, hasID := idOf(fi)
	if hasID {
		switch h := f.g.live[id]; {
		case h == f && f.reclaim(id, kind):
			return
		case h != nil && h != f:
			return // another name of a file being read: wait for it
		}
	}
	off := int64(0)
	var resume *Position
	if p, ok := f.g.known[id]; hasID && ok {
		resume = &p
	} else if f.startFI != nil && os.SameFile(f.startFI, fi) && f.startOff <= fi.Size() {
		off = f.startOff
	}
	s, err := openSource(f.e, f.path, fi, off, resume, f.opts.MaxLineBytes)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errReplaced) {
		return // removed or replaced since stat: the next poll sees what is there
	}
	if err != nil {
		f.fail(err)
		return
	}
	if s.off == 0 && resume == nil || resume != nil && s.off != resume.Offset {
		if !f.notCopied(s, resume) {
			return
		}
	}
	f.startFI, f.cur, f.rotated = nil, s, false
	f.g.hold(s, f)
	if kind == Rotated {
		f.log.Info("tailer: file rotated")
	}
	f.event(Event{Kind: kind, Offset: s.off})
}

// notCopied handles a file read from its beginning that may be a copy of
// one read before (see group.copyOf): it moves s past what was read, or,
// for a copy that holds more than its original delivered so far, closes s
// and reports false: the file is looked at again at the next poll. A file
// found truncated since resume was saved is remembered as cut, for its copy.
func (f *follower) notCopied(s *source, resume *Position) bool {
	if resume != nil {
		f.g.addCut(cut{from: s.id, pos: *resume})
	}
	switch action, off := f.g.copyOf(s); action {
	case copyWait:
		s.close()
		return false
	case copyRead, copyResume:
		if err := s.seek(off); err != nil {
			s.close()
			f.fail(err)
			return false
		}
		f.log.Info("tailer: file is a copy of one read before; continuing where that one stopped", "offset", off)
	}
	return true
}

// reclaim makes the old source id current again, if f drains it.
func (f *follower) reclaim(id fileID, kind EventKind) bool {
	i := slices.IndexFunc(f.old, func(s *source) bool { return s.hasID && s.id == id })
	if i < 0 {
		return false
	}
	s := f.old[i]
	f.old = slices.Delete(f.old, i, i+1)
	f.cur, f.rotated = s, false
	s.until = time.Time{}
	f.log.Info("tailer: file back at its path")
	f.event(Event{Kind: kind, Offset: s.off})
	return true
}

// abandon reads what is left in the current file, then keeps draining it
// for RotateWait: a writer may still hold it open.
func (f *follower) abandon(budget int64) {
	s := f.cur
	f.cur = nil
	s.until = f.e.now().Add(f.opts.RotateWait)
	f.readSource(s, budget)
	f.old = append(f.old, s)
}

// retire closes a drained old file; an unterminated last line is
// delivered. The group remembers how far it was read: lines f's handler
// still holds count as read, since only that handler could join them with
// what follows.
func (f *follower) retire(s *source) {
	s.lb.flush(f)
	s.release()
	f.g.release(s, f.path)
	s.close()
}

// readSource reads s and reports whether more may be waiting.
func (f *follower) readSource(s *source, budget int64) (more bool) {
	_, eof, err := s.read(budget, f)
	if err != nil {
		f.fail(err)
		return false
	}
	return !eof
}

// fail reports err unless it is the error already reported.
func (f *follower) fail(err error) {
	f.pollErr = true
	if msg := err.Error(); msg != f.errMsg {
		f.errMsg = msg
		f.log.Warn("tailer: cannot read, retrying", "err", err)
		f.event(Event{Kind: ReadError, Err: err})
	}
}

func (f *follower) event(ev Event) {
	ev.Path = f.path
	f.h.Event(ev)
}

// line and cut make the follower the sink of its sources' lineBuffers.
// The handler's lines may be held across files (the parts of a message
// split over a rotation): once it lets them go, no file of f holds any.
func (f *follower) line(l []byte) (held bool) {
	f.unidled = true
	f.h.Line(l)
	if f.hold == nil {
		return false
	}
	held = f.hold.Holding()
	if f.holding && !held {
		for _, s := range f.old {
			s.release()
		}
		if f.cur != nil {
			f.cur.release()
		}
	}
	f.holding = held
	return held
}

func (f *follower) cut() { f.event(Event{Kind: LineTooLong}) }

// draining reports whether rotated-away files are still being read.
func (f *follower) draining() bool { return len(f.old) > 0 }

// close releases every file without delivering incomplete lines.
func (f *follower) close() error {
	var errs []error
	if f.cur != nil {
		f.g.drop(f.cur)
		errs = append(errs, f.cur.close())
		f.cur = nil
	}
	for _, s := range f.old {
		f.g.drop(s)
		errs = append(errs, s.close())
	}
	f.old = nil
	return errors.Join(errs...)
}

// sources returns the files f has open: the current one, then the old ones.
func (f *follower) sources() []*source {
	ss := slices.Clone(f.old)
	if f.cur != nil {
		ss = append([]*source{f.cur}, ss...)
	}
	return ss
}
