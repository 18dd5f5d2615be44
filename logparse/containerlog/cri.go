package containerlog

import "bytes"

// parseCRI splits a CRI log line, `TIMESTAMP STREAM TAG MESSAGE`, as the
// kubelet does (pkg/kubelet/kuberuntime/logs parseCRILog): fields are
// separated by one space, the tag may carry more ':'-separated fields after
// P or F (kept forward compatible), and the message is the rest of the line
// (possibly empty: "… stdout F "). more: the tag is P, the message
// continues on the next line of the stream.
func parseCRI(line []byte) (stream Stream, text []byte, more bool, err error) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return 0, nil, false, ErrNoTimestamp
	}
	if !isRFC3339(line[:sp]) {
		return 0, nil, false, ErrBadTimestamp
	}
	line = line[sp+1:]
	sp = bytes.IndexByte(line, ' ')
	switch {
	case sp < 0:
		return 0, nil, false, ErrBadStream
	case string(line[:sp]) == "stdout":
		stream = Stdout
	case string(line[:sp]) == "stderr":
		stream = Stderr
	default:
		return 0, nil, false, ErrBadStream
	}
	line = line[sp+1:]
	sp = bytes.IndexByte(line, ' ')
	if sp < 0 {
		return 0, nil, false, ErrNoTag
	}
	tag := line[:sp]
	if i := bytes.IndexByte(tag, ':'); i >= 0 {
		tag = tag[:i]
	}
	switch string(tag) {
	case "P":
		more = true
	case "F":
	default:
		return 0, nil, false, ErrBadTag
	}
	return stream, line[sp+1:], more, nil
}

// isRFC3339 checks the shape of an RFC 3339 timestamp as runtimes write
// it (Go's RFC3339Nano): 2016-10-06T00:17:09.669794202Z or with a
// +hh:mm/-hh:mm offset. Only the syntax and the ranges of the fields are
// checked: the time itself is not used.
func isRFC3339(b []byte) bool {
	const date = len("2006-01-02T15:04:05")
	if len(b) < date+1 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return false
	}
	for _, f := range [...]struct{ at, max int }{{0, 9999}, {5, 12}, {8, 31}, {11, 23}, {14, 59}, {17, 60}} {
		v, ok := twoDigits(b, f.at, f.max == 9999)
		if !ok || v > f.max || (f.max == 12 || f.max == 31) && v == 0 {
			return false
		}
	}
	rest := b[date:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, okH := twoDigits(rest, 1, false)
		m, okM := twoDigits(rest, 4, false)
		return okH && okM && h <= 23 && m <= 59
	}
	return false
}

// twoDigits reads the two (four when year) decimal digits at b[at:].
func twoDigits(b []byte, at int, year bool) (int, bool) {
	n := 2
	if year {
		n = 4
	}
	v := 0
	for _, c := range b[at : at+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}
