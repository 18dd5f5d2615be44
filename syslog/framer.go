package syslog

import (
	"bytes"
	"io"
)

// maxLenDigits bounds an octet count: 9 digits, under 1 GB.
const maxLenDigits = 9

// maxEmptyReads bounds successive (0, nil) reads before io.ErrNoProgress.
const maxEmptyReads = 100

// framer splits a TCP stream into syslog messages (RFC 6587), detecting the
// framing of each message: octet counting when it starts with
// `NONZERO-DIGIT *DIGIT SP <`, else non-transparent framing ended by LF or
// NUL. Empty frames (stray delimiters, "\r") are skipped.
//
// Memory is one buffer of max+16 bytes; every byte is examined and copied a
// bounded number of times, however the stream is split into reads.
type framer struct {
	r   io.Reader
	max int
	buf []byte
	// buf[start:end] is unread; buf[start:start+scanned] holds no
	// delimiter (non-transparent frame being received).
	start, end, scanned int
	discard             int  // bytes of a cut octet-counted frame still to skip
	skipLine            bool // skip up to the next delimiter (a cut line)
	err                 error
}

func newFramer(r io.Reader, max int) *framer {
	return &framer{r: r, max: max, buf: make([]byte, max+maxLenDigits+7)}
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

// fill reads once into the free end of the buffer, first moving unread
// bytes to its start when the end is full (or everything was read).
func (f *framer) fill() {
	if f.start == f.end {
		f.start, f.end = 0, 0
	} else if f.end == len(f.buf) {
		f.end = copy(f.buf, f.buf[f.start:f.end])
		f.start = 0
	}
	for range maxEmptyReads {
		n, err := f.r.Read(f.buf[f.end:])
		f.end += n
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
