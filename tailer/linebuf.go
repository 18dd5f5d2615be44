package tailer

import "bytes"

// sink receives what a lineBuffer finds.
type sink interface {
	line(l []byte) (held bool) // a complete line, valid during the call only; held: see Holder
	cut()                      // the line just delivered was cut at the maximum length
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

	// The file offset of buf[0] (set by the source when it seeks), and
	// where the lines the sink holds begin (while holding; see Holder).
	base    int64
	heldAt  int64
	holding bool
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
			lb.deliver(data[start:end], lb.base+int64(start), s)
		}
		start, from = end+1, end+1
	}
	rest := data[start:]
	switch {
	case lb.skip:
		lb.n = 0
		lb.base += int64(len(data))
	case len(rest) > lb.max && (len(rest) > lb.max+1 || rest[lb.max] != '\r'):
		lb.held(s.line(rest[:lb.max]), lb.base+int64(start))
		s.cut()
		lb.skip, lb.n = true, 0
		lb.base += int64(len(data))
	default:
		lb.n = copy(lb.buf, rest)
		lb.base += int64(start)
	}
}

// deliver hands out the line that starts at file offset at.
func (lb *lineBuffer) deliver(l []byte, at int64, s sink) {
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	if len(l) > lb.max {
		lb.held(s.line(l[:lb.max]), at)
		s.cut()
		return
	}
	lb.held(s.line(l), at)
}

// held notes whether the sink holds the line just delivered, which starts
// at file offset at: the first of a run of held lines is where to resume.
func (lb *lineBuffer) held(held bool, at int64) {
	if held && !lb.holding {
		lb.heldAt = at
	}
	lb.holding = held
}

// flush delivers a pending incomplete line as if it had been terminated;
// used when a file is abandoned for good.
func (lb *lineBuffer) flush(s sink) {
	if lb.n > 0 && !lb.skip {
		lb.deliver(lb.buf[:lb.n], lb.base, s)
		lb.base += int64(lb.n)
	}
	lb.n, lb.skip = 0, false
}

// reset forgets any pending incomplete line, and the lines held, and
// makes off the file offset of what is read next.
func (lb *lineBuffer) reset(off int64) {
	lb.n, lb.skip = 0, false
	lb.base, lb.holding = off, false
}

// shrink gives back a buffer that grew for a long line once that line is done.
func (lb *lineBuffer) shrink() {
	if len(lb.buf) > readBufSize && lb.n <= readBufSize/2 {
		nb := make([]byte, readBufSize)
		lb.n = copy(nb, lb.buf[:lb.n])
		lb.buf = nb
	}
}
