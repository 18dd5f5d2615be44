package logwindow

import (
	"bytes"
	"fmt"
	"io"
)

// fwdScanner splits the bytes [off, end) of a file into lines from the
// first to the last, reading blocks of blockSize. Lines are returned as a
// backScanner returns them: without '\n', cut to their first maxLine bytes,
// a last line without '\n' included. Memory is one block and one line head.
type fwdScanner struct {
	r         io.ReaderAt
	off, end  int64
	blockSize int
	maxLine   int

	buf      []byte
	bufStart int64
	head     []byte
	err      error
}

func newFwdScanner(r io.ReaderAt, off, end int64, blockSize, maxLine int) *fwdScanner {
	return &fwdScanner{r: r, off: off, end: end, blockSize: blockSize, maxLine: maxLine, bufStart: off}
}

// fill reads the block starting at off.
func (s *fwdScanner) fill(off int64) error {
	if cap(s.buf) < s.blockSize {
		s.buf = make([]byte, s.blockSize)
	}
	s.buf = s.buf[:min(int64(s.blockSize), s.end-off)]
	n, err := s.r.ReadAt(s.buf, off)
	if n < len(s.buf) {
		if err == nil || err == io.EOF {
			return errShrank
		}
		return fmt.Errorf("reading at %d: %w", off, err)
	}
	s.bufStart = off
	return nil
}

// covers reports whether the buffer holds the byte at off.
func (s *fwdScanner) covers(off int64) bool {
	return off >= s.bufStart && off < s.bufStart+int64(len(s.buf))
}

// next returns the next line; ok is false at the end of the range or on an
// error (see Err).
func (s *fwdScanner) next() (l backLine, ok bool) {
	if s.off >= s.end || s.err != nil {
		return l, false
	}
	start := s.off
	end := s.end
	found := false
	for at := start; at < s.end; {
		if !s.covers(at) {
			if err := s.fill(at); err != nil {
				s.err = err
				return l, false
			}
		}
		if i := bytes.IndexByte(s.buf[at-s.bufStart:], '\n'); i >= 0 {
			end, found = at+int64(i), true
			break
		}
		bufEnd := s.bufStart + int64(len(s.buf))
		if at == start && s.bufStart < start && bufEnd < s.end {
			s.bufStart, s.buf = bufEnd, s.buf[:0] // refill at the line's start: most lines then fit one block
			continue
		}
		at = bufEnd
	}
	s.off = end
	if found {
		s.off++
	}
	l = backLine{Start: start, Full: end - start}
	keep := min(end-start, int64(s.maxLine))
	if s.covers(start) && start+keep <= s.bufStart+int64(len(s.buf)) {
		l.Text = s.buf[start-s.bufStart : start-s.bufStart+keep]
		return l, true
	}
	if cap(s.head) < int(keep) {
		s.head = make([]byte, s.maxLine)
	}
	s.head = s.head[:keep]
	if n, err := s.r.ReadAt(s.head, start); n < len(s.head) {
		if err == nil || err == io.EOF {
			err = errShrank
		}
		s.err = err
		return backLine{}, false
	}
	l.Text = s.head
	return l, true
}

// Err returns the error that ended the scan, nil at the end of the range.
func (s *fwdScanner) Err() error { return s.err }
