package syslog

import (
	"bytes"
	"io"
)

// maxLenDigits bounds an octet count: 9 digits, under 1 GB.
const maxLenDigits = 9

// maxEmptyReads bounds successive (0, nil) reads before io.ErrNoProgress.
const maxEmptyReads = 100

// Buffer sizes of a framer: it starts with initialBufferBytes and grows by
// doubling while one frame needs it (up to the maximum message size) or
// while reads fill it (up to busyBufferBytes: fewer reads for a busy
// sender). A buffer grown past keepBufferBytes is given back once the long
// frame is done, so that a connection costs at most busyBufferBytes after
// a long message, whatever max_message_bytes is.
const (
	initialBufferBytes = 4 << 10
	busyBufferBytes    = 64 << 10
	keepBufferBytes    = 128 << 10
)

// framer splits a TCP stream into syslog messages (RFC 6587), detecting the
// framing of each message: octet counting when it starts with
// `NONZERO-DIGIT *DIGIT SP <`, else non-transparent framing ended by LF or
// NUL. Empty frames (stray delimiters, "\r") are skipped.
//
// Memory is one buffer of at most max+16 bytes, grown on demand (see
// initialBufferBytes); every byte is examined and copied a bounded number
// of times (amortised), however the stream is split into reads.
type framer struct {
	r   io.Reader
	max int
	// limit is the largest buffer: a whole frame of max bytes and its
	// octet-count header, or max+1 bytes of a line to see it is too long.
	limit int
	// initial, busy and keep are initialBufferBytes, busyBufferBytes and
	// keepBufferBytes, or smaller in tests.
	initial, busy, keep int
	buf                 []byte
	filled              bool // the last read filled the buffer
	// buf[start:end] is unread; buf[start:start+scanned] holds no
	// delimiter (non-transparent frame being received).
	start, end, scanned int
	discard             int  // bytes of a cut octet-counted frame still to skip
	skipLine            bool // skip up to the next delimiter (a cut line)
	err                 error
}

func newFramer(r io.Reader, max int) *framer {
	return newFramerSize(r, max, bufferSizes{initialBufferBytes, busyBufferBytes, keepBufferBytes})
}

// bufferSizes are a framer's initial, busy and keep sizes.
type bufferSizes struct{ initial, busy, keep int }

func newFramerSize(r io.Reader, max int, sizes bufferSizes) *framer {
	limit := max + maxLenDigits + 7
	initial := min(sizes.initial, limit)
	return &framer{
		r: r, max: max, limit: limit, buf: make([]byte, initial),
		initial: initial, busy: min(sizes.busy, limit), keep: sizes.keep,
	}
}

// next returns the next frame, valid until the following call, and whether
// it was cut at max bytes. At the end of the stream (or on a read error) a
// partial frame is returned first, as truncated if it was octet-counted;
// then err is io.EOF or the read error, and stays so.
func (f *framer) next() (frame []byte, truncated bool, err error) {
	for {
		if f.discard > 0 || f.skipLine {
			f.skip()
		}
		if f.discard == 0 && !f.skipLine {
			for f.start < f.end && isDelimiter(f.buf[f.start]) {
				f.start++
			}
			if f.start < f.end {
				if frame, truncated, ok := f.frame(); ok {
					return frame, truncated, nil
				}
			}
		}
		if f.err != nil {
			f.start, f.end, f.scanned = 0, 0, 0
			return nil, false, f.err
		}
		f.fill()
	}
}

// frame tries to cut a frame from buf[start:end] (non-empty, not starting
// with a delimiter). ok is false when more input is needed.
func (f *framer) frame() (frame []byte, truncated, ok bool) {
	b := f.buf[f.start:f.end]
	if n, hdr, state := octetCount(b); state == octetNeedMore && f.err == nil {
		return nil, false, false
	} else if state == octetFramed {
		body := b[hdr:]
		switch {
		case n > f.max && len(body) >= f.max:
			f.start += hdr + f.max
			f.discard = n - f.max
			return body[:f.max], true, true
		case len(body) >= n:
			f.start += hdr + n
			return body[:n], false, true
		case f.err != nil: // the stream ended inside the frame
			f.start = f.end
			return body, true, true
		}
		return nil, false, false
	}
	// Non-transparent framing.
	if i := indexDelimiter(b[f.scanned:]); i >= 0 {
		n := f.scanned + i
		f.start += n + 1
		f.scanned = 0
		if n > f.max {
			return b[:f.max], true, true
		}
		return b[:n], false, true
	}
	f.scanned = len(b)
	switch {
	case len(b) > f.max:
		f.start += f.max
		f.scanned = 0
		f.skipLine = true
		return b[:f.max], true, true
	case f.err != nil: // last line without delimiter
		f.start = f.end
		f.scanned = 0
		return b, false, true
	}
	return nil, false, false
}

// Results of octetCount.
const (
	octetNo       = iota // not octet counting
	octetFramed          // n and hdr are valid
	octetNeedMore        // cannot tell yet
)

// octetCount parses the `MSG-LEN SP` header of an octet-counted frame at the
// start of b, requiring the message to start with '<'.
func octetCount(b []byte) (n, hdr, state int) {
	if b[0] < '1' || b[0] > '9' {
		return 0, 0, octetNo
	}
	i := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		if i == maxLenDigits {
			return 0, 0, octetNo
		}
		n = n*10 + int(b[i]-'0')
	}
	switch {
	case i+1 >= len(b):
		return 0, 0, octetNeedMore
	case b[i] == ' ' && b[i+1] == '<':
		return n, i + 1, octetFramed
	}
	return 0, 0, octetNo
}

// skip drops the discarded part of a cut frame from the buffer.
func (f *framer) skip() {
	avail := f.end - f.start
	if f.discard > 0 {
		d := min(f.discard, avail)
		f.start += d
		f.discard -= d
		return
	}
	if i := indexDelimiter(f.buf[f.start:f.end]); i >= 0 {
		f.start += i + 1
		f.skipLine = false
		return
	}
	f.start = f.end
}

// fill reads once into the free end of the buffer. Before, it makes room:
// a buffer grown past keep goes back to the initial size when the unread
// bytes fit in half of it; one that the last read filled doubles up to
// busy; unread bytes move to the start when the end is full, and a buffer
// full of one partial frame doubles (up to limit).
func (f *framer) fill() {
	unread := f.end - f.start
	switch {
	case len(f.buf) > f.keep && unread <= f.initial/2:
		f.resize(f.initial)
	case f.filled && len(f.buf) < f.busy:
		f.resize(min(2*len(f.buf), f.busy))
	case unread == 0:
		f.start, f.end = 0, 0
	case f.end < len(f.buf):
	case f.start > 0:
		f.end = copy(f.buf, f.buf[f.start:f.end])
		f.start = 0
	default:
		f.resize(min(2*len(f.buf), f.limit))
	}
	for range maxEmptyReads {
		n, err := f.r.Read(f.buf[f.end:])
		f.end += n
		f.filled = f.end == len(f.buf)
		if err != nil {
			f.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	f.err = io.ErrNoProgress
}

// resize moves the unread bytes to the start of a new buffer of n bytes.
func (f *framer) resize(n int) {
	buf := make([]byte, n)
	f.end = copy(buf, f.buf[f.start:f.end])
	f.start = 0
	f.buf = buf
}

func isDelimiter(c byte) bool { return c == '\n' || c == 0 || c == '\r' }

// indexDelimiter returns the index of the first LF or NUL in b, or -1.
func indexDelimiter(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.IndexByte(b, 0)
	}
	if j := bytes.IndexByte(b[:i], 0); j >= 0 {
		return j
	}
	return i
}
