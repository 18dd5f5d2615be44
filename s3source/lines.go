package s3source

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

// batchBytes is about how many bytes of lines a batch carries from a
// download to the handler.
const batchBytes = 64 << 10

// batch is lines of one object: data[ends[i-1]:ends[i]], without newlines.
type batch struct {
	data []byte
	ends []int
}

var batchPool = sync.Pool{New: func() any { return &batch{data: make([]byte, 0, batchBytes), ends: make([]int, 0, 512)} }}

func newBatch() *batch { return batchPool.Get().(*batch) }

func (b *batch) free() {
	if cap(b.data) > 4*batchBytes { // held a long line: let it go
		return
	}
	b.data, b.ends = b.data[:0], b.ends[:0]
	batchPool.Put(b)
}

func (b *batch) each(f func(line []byte)) {
	start := 0
	for _, end := range b.ends {
		f(b.data[start:end])
		start = end
	}
}

// lineSplitter cuts a stream into lines of at most max bytes: a longer
// line is delivered cut, once, and the rest of it dropped (as the file
// sources do). A last line without a newline is delivered: an object is
// complete.
type lineSplitter struct {
	r       *bufio.Reader
	max     int
	line    []byte
	cutting bool // dropping the rest of a line already delivered cut
	cuts    int  // lines cut so far
}

func newLineSplitter(r io.Reader, max int) *lineSplitter {
	return &lineSplitter{r: bufio.NewReaderSize(r, 32<<10), max: max}
}

// next returns the next line (valid until the next call), or io.EOF at
// the end of the stream, or the stream's error.
func (s *lineSplitter) next() ([]byte, error) {
	s.line = s.line[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		switch {
		case err == nil:
			if s.cutting {
				s.cutting = false
				continue
			}
			if len(s.line) == 0 && len(chunk)-1 <= s.max {
				return chunk[:len(chunk)-1], nil
			}
			s.add(chunk[:len(chunk)-1])
			return s.line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			if !s.cutting && s.add(chunk) {
				s.cutting = true
				return s.line, nil
			}
		case errors.Is(err, io.EOF):
			if s.cutting || len(s.line)+len(chunk) == 0 {
				return nil, io.EOF
			}
			s.add(chunk)
			return s.line, nil
		default:
			return nil, err
		}
	}
}

// add appends to the line, reporting whether it reached the limit (and
// was cut at it).
func (s *lineSplitter) add(b []byte) bool {
	if room := s.max - len(s.line); len(b) > room {
		s.line = append(s.line, b[:room]...)
		s.cuts++
		return true
	}
	s.line = append(s.line, b...)
	return false
}
