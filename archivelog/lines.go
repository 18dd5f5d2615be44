package archivelog

import "bytes"

// splitter cuts content into lines, at most max bytes each (a longer line
// is delivered cut, once, and its rest skipped), holding at most max bytes
// of an unfinished line. pos counts content bytes fed; delivered is the
// offset just after the last newline handed out.
type splitter struct {
	buf       []byte
	max       int
	skipping  bool
	pos       int64
	delivered int64
	cut       int // lines cut at max
}

func (s *splitter) reset(from int64) {
	s.buf, s.skipping, s.pos, s.delivered, s.cut = s.buf[:0], false, from, from, 0
}

// feed splits p, calling line for each complete line.
func (s *splitter) feed(p []byte, line func([]byte)) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.pos += int64(len(p))
			if s.skipping {
				return
			}
			room := s.max - len(s.buf)
			if len(p) <= room {
				s.buf = append(s.buf, p...)
				return
			}
			s.buf = append(s.buf, p[:room]...)
			line(s.buf)
			s.cut++
			s.buf, s.skipping = s.buf[:0], true
			return
		}
		chunk := p[:i]
		switch {
		case s.skipping:
			s.skipping = false
		case len(s.buf) > 0:
			if len(s.buf)+len(chunk) > s.max {
				s.cut++
			}
			s.buf = append(s.buf, chunk[:min(len(chunk), s.max-len(s.buf))]...)
			line(s.buf)
			s.buf = s.buf[:0]
		default:
			if len(chunk) > s.max {
				chunk = chunk[:s.max]
				s.cut++
			}
			line(chunk)
		}
		s.pos += int64(i + 1)
		s.delivered = s.pos
		p = p[i+1:]
	}
}

// finish hands out a last line that has no newline (the end of a complete
// file).
func (s *splitter) finish(line func([]byte)) {
	if len(s.buf) > 0 && !s.skipping {
		line(s.buf)
	}
	s.buf, s.skipping = s.buf[:0], false
	s.delivered = s.pos
}
