package tailer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxCuts bounds the truncated files a group remembers, waiting for
// their copies.
const maxCuts = 16

// cut is a file found truncated (copytruncate) with what had been read of
// it: its copy, made just before the truncation, continues there.
type cut struct {
	from    fileID
	pos     Position // Offset: bytes read; fingerprints of the head and of the bytes before Offset
	pending int64    // bytes before Offset not delivered (an incomplete line)
}

// copyAction is what to do with a new file that may be a copy of one read.
type copyAction int

const (
	notACopy   copyAction = iota
	copyRead              // a copy of what was already read: skip to its end
	copyWait              // a copy holding more than was read: its original may still deliver it
	copyResume            // the copy of a truncated file: continue where the original stopped
)

// copyOf tells whether s, a file about to be read from its beginning, is
// a copy of a file the group reads or read (logrotate's copytruncate, or
// `cp`), and where to read it from.
func (g *group) copyOf(s *source) (copyAction, int64) {
	size := s.size
	for id, f := range g.live {
		if id == s.id {
			continue
		}
		for _, l := range f.sources() {
			if l.hasID && l.id == id && l.tailLen > 0 {
				switch {
				case size >= l.off && l.copiedBy(s.f, size):
					if size == l.off {
						return copyRead, size
					}
					return copyWait, 0
				case size < l.off && l.holdsPrefix(s.f, size):
					return copyRead, size
				}
			}
		}
	}
	for i, c := range g.cuts {
		if c.from != s.id && c.pos.Tail.Len > 0 && c.pos.matches(s.f, size) {
			g.cuts = slices.Delete(g.cuts, i, i+1)
			return copyResume, c.pos.Offset - c.pending
		}
	}
	return notACopy, 0
}

// truncatedFrom remembers what was read of s before it was truncated.
func (g *group) truncatedFrom(s *source) {
	if !s.hasID || s.tailLen == 0 {
		return
	}
	p := Position{Dev: s.id.dev, Ino: s.id.ino, Offset: s.off, Head: sum(s.head[:s.headLen]), Tail: sum(s.tail[:s.tailLen])}
	g.addCut(cut{from: s.id, pos: p, pending: s.off - s.delivered()})
}

// addCut remembers a cut, forgetting the oldest past maxCuts.
func (g *group) addCut(c cut) {
	if slices.Contains(g.cuts, c) {
		return // the same stale position, met again at a later poll
	}
	g.cuts = append(g.cuts, c)
	if len(g.cuts) > maxCuts {
		g.cuts = slices.Delete(g.cuts, 0, 1)
	}
}

// copiedBy reports whether c, of size size, starts with the bytes s
// started with and holds the bytes s read just before its offset.
func (s *source) copiedBy(c io.ReaderAt, size int64) bool {
	return size >= s.off && s.headLen > 0 &&
		bytesAt(c, 0, s.head[:s.headLen]) && bytesAt(c, s.off-int64(s.tailLen), s.tail[:s.tailLen])
}

// holdsPrefix reports whether c, of size size ≤ s.off, holds the first
// size bytes of s: the same head and the same last bytes as s there.
func (s *source) holdsPrefix(c io.ReaderAt, size int64) bool {
	if size == 0 || size > s.off || s.headLen == 0 {
		return false
	}
	n := min(size, fpSize)
	var buf [fpSize]byte
	if m, _ := s.f.ReadAt(buf[:n], size-n); int64(m) < n {
		return false
	}
	return bytesAt(c, 0, s.head[:min(int64(s.headLen), size)]) && bytesAt(c, size-n, buf[:n])
}

// bytesAt reports whether r holds want at off.
func bytesAt(r io.ReaderAt, off int64, want []byte) bool {
	var buf [fpSize]byte
	if len(want) > fpSize || off < 0 {
		return false
	}
	m, _ := r.ReadAt(buf[:len(want)], off)
	return m == len(want) && bytes.Equal(buf[:m], want)
}

// recoverCopy reads, from the copy that logrotate's copytruncate made next
// to the file (error.log.1, error.log-20261202 …), the lines of s that were
// not read before it was truncated, delivering them as lines of this path.
// The copy is then known as read to its end. Without a copy beside the
// file, the group remembers the cut so that a copy found later (by a glob)
// continues there.
func (f *follower) recoverCopy(s *source) {
	if s.tailLen == 0 {
		return
	}
	names, _ := f.e.glob(escapeGlob(f.path) + "?*")
	for _, name := range names {
		fi, err := f.e.stat(name)
		if err != nil || !fi.Mode().IsRegular() || os.SameFile(fi, s.fi) || fi.Size() < s.off {
			continue
		}
		if id, ok := idOf(fi); ok && f.g.live[id] != nil {
			continue // read by another follower, which decided what it holds
		}
		c, err := openSource(f.e, name, fi, s.delivered(), nil, f.opts.MaxLineBytes)
		if err != nil {
			continue
		}
		if !s.copiedBy(c.f, fi.Size()) {
			c.close()
			continue
		}
		for {
			if _, eof, err := c.read(readBudget, f); eof || err != nil {
				break
			}
		}
		c.lb.flush(f)
		f.g.release(c, name)
		c.close()
		f.log.Info("tailer: read the end of the truncated file from its copy", "copy", name)
		return
	}
	f.g.truncatedFrom(s)
}

// escapeGlob quotes the glob meta characters of a path.
func escapeGlob(p string) string {
	var b strings.Builder
	for _, c := range p {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return filepath.Clean(b.String())
}
