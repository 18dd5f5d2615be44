package tailer

import "bytes"

// sink receives what a lineBuffer finds.
type sink interface {
	line(l []byte) // a complete line, valid during the call only
	cut()          // the line just delivered was cut at the maximum length
}

// lineBuffer turns a byte stream into lines without copying or allocating
// per line: the file is read straight into buf, complete lines are handed
// out as sub-slices of it, and an incomplete trailing line is moved to the
// front to wait for its '\n'.
//
// Invariant: buf[:n] holds an incomplete line (no '\n') of at most max
// bytes, plus possibly a '\r' that may precede its '\n'.
type lineBuffer struct {
	buf  []byte
	n    int
	max  int
	skip bool // drop everything up to and including the next '\n'
}

// space returns the slice the next read should fill. The buffer grows (up to
// max+2 bytes) only when an incomplete line fills it.
func (lb *lineBuffer) space() []byte {
	if lb.buf == nil {
		lb.buf = make([]byte, min(readBufSize, lb.max+2))
	}
	if lb.n == len(lb.buf) { // implies n <= max+1 < len after growing
		nb := make([]byte, min(2*len(lb.buf), lb.max+2))
		copy(nb, lb.buf[:lb.n])
		lb.buf = nb
	}
	return lb.buf[lb.n:]
}

// commit takes m bytes just read into space() and delivers the complete
// lines among them.
func (lb *lineBuffer) commit(m int, s sink) {
	data := lb.buf[:lb.n+m]
	start, from := 0, lb.n // buf[:n] has no '\n'
	for {
		i := bytes.IndexByte(data[from:], '\n')
		if i < 0 {
			break
		}
		end := from + i
		if lb.skip {
			lb.skip = false
		} else {
			lb.deliver(data[start:end], s)
		}
		start, from = end+1, end+1
	}
	rest := data[start:]
	switch {
	case lb.skip:
		lb.n = 0
	case len(rest) > lb.max && (len(rest) > lb.max+1 || rest[lb.max] != '\r'):
		s.line(rest[:lb.max])
		s.cut()
		lb.skip, lb.n = true, 0
	default:
		lb.n = copy(lb.buf, rest)
	}
}

func (lb *lineBuffer) deliver(l []byte, s sink) {
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	if len(l) > lb.max {
		s.line(l[:lb.max])
		s.cut()
		return
	}
	s.line(l)
}

// flush delivers a pending incomplete line as if it had been terminated;
// used when a file is abandoned for good.
func (lb *lineBuffer) flush(s sink) {
	if lb.n > 0 && !lb.skip {
		lb.deliver(lb.buf[:lb.n], s)
	}
	lb.reset()
}

// reset forgets any pending incomplete line.
func (lb *lineBuffer) reset() {
	lb.n, lb.skip = 0, false
}

// shrink gives back a buffer that grew for a long line once that line is done.
func (lb *lineBuffer) shrink() {
	if len(lb.buf) > readBufSize && lb.n <= readBufSize/2 {
		nb := make([]byte, readBufSize)
		lb.n = copy(nb, lb.buf[:lb.n])
		lb.buf = nb
	}
}
