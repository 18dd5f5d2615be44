package logwindow

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// errShrank reports a file that became shorter while it was read (truncated
// by logrotate's copytruncate, say).
var errShrank = errors.New("file shrank while being read")

// backScanner splits the bytes [lo, end) of a file into lines from the last
// to the first, reading blocks of blockSize backwards. A line is returned
// without its '\n'; a last line without one is returned too. Lines longer
// than maxLine are cut to their first maxLine bytes (Full says how long the
// line was): memory stays bounded by one block and one line head, however
// long the line. When lo > 0 the first line found at lo may be the tail of
// a longer line: Partial says so.
type backScanner struct {
	lineHeads
	lo        int64
	pos       int64 // end (exclusive) of the next line to return; < lo when done
	blockSize int

	block      []byte
	blockStart int64 // file offset of block[0]; the block covers [blockStart, blockStart+len(block))
	err        error
}

// backLine is one line found by a backScanner. Text is valid until the next
// call of prev.
type backLine struct {
	Text    []byte
	Start   int64 // file offset of the line's first byte
	Full    int64 // length of the whole line in the file
	Partial bool  // the line starts at lo > 0: its beginning may lie before
}

// newBackScanner scans [lo, end) of r.
func newBackScanner(r io.ReaderAt, lo, end int64, blockSize, maxLine int) *backScanner {
	s := &backScanner{lineHeads: lineHeads{r: r, maxLine: maxLine}, lo: lo, pos: end, blockSize: blockSize, blockStart: end}
	if end > lo {
		// A final '\n' ends the last line; it does not start an empty one.
		if b, err := s.byteAt(end - 1); err != nil {
			s.err, s.pos = err, lo-1
		} else if b == '\n' {
			s.pos = end - 1
		}
	} else {
		s.pos = lo - 1
	}
	return s
}

// byteAt reads the byte at off through the block cache.
func (s *backScanner) byteAt(off int64) (byte, error) {
	if err := s.load(off + 1); err != nil {
		return 0, err
	}
	return s.block[off-s.blockStart], nil
}

// load makes the block end at `end` unless it already covers end-1.
func (s *backScanner) load(end int64) error {
	if end > s.blockStart && end <= s.blockStart+int64(len(s.block)) {
		return nil
	}
	start := max(s.lo, end-int64(s.blockSize))
	if cap(s.block) < s.blockSize {
		s.block = make([]byte, s.blockSize)
	}
	s.block = s.block[:end-start]
	n, err := s.r.ReadAt(s.block, start)
	if n < len(s.block) {
		if err == nil || err == io.EOF {
			return errShrank
		}
		return fmt.Errorf("reading at %d: %w", start, err)
	}
	s.blockStart = start
	return nil
}

// prev returns the line before the previous one; ok is false at the start
// of the range or on an error (see Err).
func (s *backScanner) prev() (l backLine, ok bool) {
	if s.pos < s.lo || s.err != nil {
		return l, false
	}
	end := s.pos
	start := s.lo
	for at := end; at > s.lo; {
		if err := s.load(at); err != nil {
			s.err = err
			return l, false
		}
		from := at - s.blockStart
		if i := bytes.LastIndexByte(s.block[:from], '\n'); i >= 0 {
			start = s.blockStart + int64(i) + 1
			break
		}
		at = s.blockStart
	}
	s.pos = start - 1
	l = backLine{Start: start, Full: end - start, Partial: start == s.lo && s.lo > 0}
	if l.Text, s.err = s.text(s.block, s.blockStart, start, end-start); s.err != nil {
		return backLine{}, false
	}
	return l, true
}

// Err returns the error that ended the scan, nil at the start of the range.
func (s *backScanner) Err() error { return s.err }

// lineHeads reads the first maxLine bytes of lines, for both scanners.
type lineHeads struct {
	r       io.ReaderAt
	maxLine int
	head    []byte // buffer of line heads that span blocks
}

// text returns the first maxLine bytes of the line of length full at
// start: a slice of block (which begins at file offset blockStart) when it
// holds them, else read from r into the head buffer, valid until the next
// call. A file that ends before them is errShrank.
func (h *lineHeads) text(block []byte, blockStart, start, full int64) ([]byte, error) {
	keep := min(full, int64(h.maxLine))
	if start >= blockStart && start+keep <= blockStart+int64(len(block)) {
		return block[start-blockStart : start-blockStart+keep], nil
	}
	if cap(h.head) < int(keep) {
		h.head = make([]byte, h.maxLine)
	}
	h.head = h.head[:keep]
	if n, err := h.r.ReadAt(h.head, start); n < len(h.head) {
		if err == nil || err == io.EOF {
			err = errShrank
		}
		return nil, err
	}
	return h.head, nil
}
