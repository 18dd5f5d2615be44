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
	id    fileID
	hasID bool
	off   int64 // next byte to read; everything before is in lb or delivered
	lb    lineBuffer

	// The last bytes read (those just before off), to recognise a file
	// truncated and rewritten past off between two checks; and its first
	// bytes: with tail, they recognise a copy of the file.
	tail    [fpSize]byte
	tailLen int
	head    [fpSize]byte
	headLen int
	size    int64     // size at the last truncation check
	mtime   time.Time // modification time at the last truncation check
	until   time.Time
}

// errReplaced: the path named another file by the time it was opened.
var errReplaced = errors.New("tailer: file replaced while opening")

// openSource opens path, which stat reported as fi, for reading at off, or
// where resume says if the file still holds what resume was read from (else
// from its beginning). Starting inside a line (the byte before the offset is
// not '\n') skips the rest of that line: its beginning was never ours.
func openSource(e env, path string, fi os.FileInfo, off int64, resume *Position, maxLine int) (*source, error) {
	f, err := e.open(path)
	if err != nil {
		return nil, err
	}
	ofi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !os.SameFile(fi, ofi) {
		f.Close()
		return nil, errReplaced
	}
	s := &source{f: f, fi: ofi, lb: lineBuffer{max: maxLine}, size: ofi.Size(), mtime: ofi.ModTime()}
	s.id, s.hasID = idOf(ofi)
	if resume != nil {
		off = 0
		if resume.matches(f, ofi.Size()) {
			off = resume.Offset
		}
	}
	if err := s.seek(min(off, ofi.Size())); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// seek makes off the next byte to read. Starting inside a line skips the
// rest of it.
func (s *source) seek(off int64) error {
	s.off = off
	s.lb.reset(off)
	if err := s.readHead(); err != nil {
		return err
	}
	if err := s.readTail(); err != nil {
		return err
	}
	s.lb.skip = s.tailLen > 0 && s.tail[s.tailLen-1] != '\n'
	return nil
}

// readTail reads the bytes just before off into tail.
func (s *source) readTail() error {
	n := int(min(s.off, fpSize))
	m, err := s.f.ReadAt(s.tail[:n], s.off-int64(n))
	if m < n {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	s.tailLen = n
	return nil
}

// readHead reads the file's first bytes, up to off, into head.
func (s *source) readHead() error {
	n := int(min(s.off, fpSize))
	m, err := s.f.ReadAt(s.head[:n], 0)
	if m < n {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	s.headLen = n
	return nil
}

// read reads what is available, up to about budget bytes, delivering
// complete lines to k. It returns the bytes read and whether it stopped at
// end of file rather than at the budget.
func (s *source) read(budget int64, k sink) (n int64, eof bool, err error) {
	defer s.lb.shrink()
	for n < budget {
		p := s.lb.space()
		m, err := s.f.ReadAt(p, s.off)
		if s.off < fpSize && int64(s.headLen) == s.off {
			s.headLen += copy(s.head[s.headLen:], p[:m])
		}
		s.off += int64(m)
		n += int64(m)
		s.noteRead(p[:m])
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

// noteRead keeps the last fpSize bytes read in tail.
func (s *source) noteRead(b []byte) {
	if len(b) >= fpSize {
		s.tailLen = copy(s.tail[:], b[len(b)-fpSize:])
		return
	}
	keep := min(s.tailLen, fpSize-len(b))
	copy(s.tail[:keep], s.tail[s.tailLen-keep:s.tailLen])
	s.tailLen = keep + copy(s.tail[keep:], b)
}

// truncated reports whether the file (still the same inode, now as fi)
// was truncated since we read it: it is shorter than what we read, or it
// changed and the bytes just before our offset are no longer those we read
// - it was truncated and rewritten past our offset between two checks.
func (s *source) truncated(fi os.FileInfo) bool {
	size := fi.Size()
	if size < s.off {
		return true
	}
	if size == s.size && fi.ModTime().Equal(s.mtime) {
		return false
	}
	s.size, s.mtime = size, fi.ModTime()
	if s.tailLen == 0 {
		return false
	}
	var buf [fpSize]byte
	m, err := s.f.ReadAt(buf[:s.tailLen], s.off-int64(s.tailLen))
	if m < s.tailLen {
		return err == nil || errors.Is(err, io.EOF) // shrunk since stat; a real error surfaces in read
	}
	return !bytes.Equal(buf[:s.tailLen], s.tail[:s.tailLen])
}

// restart rewinds to offset 0 after a truncation.
func (s *source) restart() {
	s.off = 0
	s.lb.reset(0)
	s.tailLen, s.headLen = 0, 0
	s.size = -1
}

// delivered is the offset up to which every line was handed out: bytes of
// an incomplete line held in the buffer are not.
func (s *source) delivered() int64 {
	if s.lb.skip {
		return s.off
	}
	return s.off - int64(s.lb.n)
}

// committed is the offset up to which the handler is done with every line:
// delivered, less the lines it holds (see Holder).
func (s *source) committed() int64 {
	if s.lb.holding {
		return min(s.lb.heldAt, s.delivered())
	}
	return s.delivered()
}

// release notes that the handler no longer holds lines of s.
func (s *source) release() { s.lb.holding = false }

// position describes how far s was committed, for resuming it later.
func (s *source) position(name string) (Position, error) {
	fi, err := s.f.Stat()
	if err != nil {
		return Position{}, err
	}
	return positionOf(s.f, s.id, fi.Size(), s.committed(), name)
}

func (s *source) close() error { return s.f.Close() }
