package tailer

import (
	"bytes"
	"errors"
	"io"
	"os"
	"time"
)

// source is one open file being read: the current file at a path, or one
// that was rotated away and is drained until its deadline.
type source struct {
	f     *os.File
	fi    os.FileInfo // identity, for os.SameFile
	off   int64       // next byte to read; everything before is in lb or delivered
	lb    lineBuffer
	fp    [fpSize]byte // the file's first fpLen bytes, to spot a rewrite
	prev  [fpSize]byte // fp before the last readFingerprint
	fpLen int
	size  int64 // size at the last truncation check
	until time.Time
}

// openSource opens path, which stat reported as fi, for reading at off.
// Starting inside a line (the byte before off is not '\n') skips the rest of
// that line: its beginning was never ours.
func openSource(e env, path string, fi os.FileInfo, off int64, maxLine int) (*source, error) {
	f, err := e.open(path)
	if err != nil {
		return nil, err
	}
	ofi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !os.SameFile(fi, ofi) { // replaced between stat and open: start over
		off = 0
	}
	s := &source{f: f, fi: ofi, lb: lineBuffer{max: maxLine}, size: ofi.Size()}
	s.off = min(off, ofi.Size())
	if s.off > 0 {
		var b [1]byte
		if _, err := f.ReadAt(b[:], s.off-1); err != nil {
			f.Close()
			return nil, err
		}
		s.lb.skip = b[0] != '\n'
	}
	_ = s.readFingerprint() // no fingerprint is no worse than a stale one
	return s, nil
}

// read reads what is available, up to about budget bytes, delivering
// complete lines to k. It returns the bytes read and whether it stopped at
// end of file rather than at the budget.
func (s *source) read(budget int64, k sink) (n int64, eof bool, err error) {
	defer s.lb.shrink()
	for n < budget {
		m, err := s.f.ReadAt(s.lb.space(), s.off)
		s.off += int64(m)
		n += int64(m)
		s.lb.commit(m, k)
		if errors.Is(err, io.EOF) {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// truncated reports whether the file (still the same inode, now of size
// size) was truncated since we read it: it is shorter than what we read, or
// it changed size and its first bytes are no longer those we saw - it was
// truncated and rewritten past our offset between two checks.
func (s *source) truncated(size int64) bool {
	if size < s.off {
		return true
	}
	if size == s.size {
		return false
	}
	s.size = size
	old := s.fpLen
	if err := s.readFingerprint(); err != nil {
		return false // a real read error surfaces in read
	}
	return s.fpLen < old || !bytes.Equal(s.fp[:old], s.prev[:old])
}

// readFingerprint rereads the file's first min(size, fpSize) bytes into fp,
// keeping the previous ones in prev.
func (s *source) readFingerprint() error {
	s.prev = s.fp
	n, err := s.f.ReadAt(s.fp[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		s.fp = s.prev
		return err
	}
	s.fpLen = n
	return nil
}

// restart rewinds to offset 0 after a truncation.
func (s *source) restart() {
	s.off = 0
	s.lb.reset()
	s.fpLen = 0
	s.size = -1
}

func (s *source) close() error { return s.f.Close() }
