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
	lineHeads
	off, end  int64
	blockSize int

	buf      []byte
	bufStart int64
	err      error
}

func newFwdScanner(r io.ReaderAt, off, end int64, blockSize, maxLine int) *fwdScanner {
	return &fwdScanner{lineHeads: lineHeads{r: r, maxLine: maxLine}, off: off, end: end, blockSize: blockSize, bufStart: off}
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
	if l.Text, s.err = s.text(s.buf, s.bufStart, start, end-start); s.err != nil {
		return backLine{}, false
	}
	return l, true
}

// Err returns the error that ended the scan, nil at the end of the range.
func (s *fwdScanner) Err() error { return s.err }
