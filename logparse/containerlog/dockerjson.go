package containerlog

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of the values skipped (a json-file
// line's "attrs" is one object of strings).
const maxJSONDepth = 32

// dockerJSON reads a json-file line, `{"log":"…\n","stream":"stdout",
// "attrs":{…},"time":"…"}` (moby daemon/logger/jsonfilelog/jsonlog), keys
// in any order, unknown keys skipped. The "log" string is unescaped
// without encoding/json: in place when its only escape is the final \n
// (most lines), else into the joiner's buffer. more: "log" lacks the final
// newline, Docker split the line and continues it on the next one of the
// stream.
func (j *Joiner) dockerJSON(line []byte) (stream Stream, text []byte, more bool, err error) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return 0, nil, false, ErrBadJSON
	}
	var (
		logRaw []byte
		ok     bool
	)
	haveLog, haveStream := false, false
	i = skipSpace(line, i+1)
	for first := true; ; first = false {
		if i < len(line) && line[i] == '}' && first {
			break
		}
		key, next, ok := scanString(line, i)
		if !ok {
			return 0, nil, false, ErrBadJSON
		}
		i = skipSpace(line, next)
		if i >= len(line) || line[i] != ':' {
			return 0, nil, false, ErrBadJSON
		}
		i = skipSpace(line, i+1)
		switch string(key) {
		case "log", "stream", "time":
			val, next, ok := scanString(line, i)
			if !ok {
				return 0, nil, false, ErrBadJSON
			}
			i = next
			switch string(key) {
			case "log":
				logRaw, haveLog = val, true
			case "stream":
				switch string(val) {
				case "stdout":
					stream = Stdout
				case "stderr":
					stream = Stderr
				default:
					return 0, nil, false, ErrBadStream
				}
				haveStream = true
			default:
				if !isRFC3339(val) {
					return 0, nil, false, ErrBadTimestamp
				}
			}
		default:
			if i, ok = skipValue(line, i); !ok {
				return 0, nil, false, ErrBadJSON
			}
		}
		i = skipSpace(line, i)
		if i < len(line) && line[i] == ',' {
			i = skipSpace(line, i+1)
			continue
		}
		if i < len(line) && line[i] == '}' {
			break
		}
		return 0, nil, false, ErrBadJSON
	}
	if skipSpace(line, i+1) != len(line) {
		return 0, nil, false, ErrBadJSON
	}
	switch {
	case !haveLog:
		return 0, nil, false, ErrNoLog
	case !haveStream:
		return 0, nil, false, ErrBadStream
	}
	n := len(logRaw)
	if n >= 2 && logRaw[n-2] == '\\' && logRaw[n-1] == 'n' && bytes.IndexByte(logRaw[:n-2], '\\') < 0 {
		return stream, logRaw[:n-2], false, nil // the fast path: nothing else to unescape
	}
	if bytes.IndexByte(logRaw, '\\') < 0 {
		return stream, logRaw, true, nil
	}
	// Decoded up to one byte over the limit: enough to tell a message to
	// be cut, and the buffer stays small.
	text, cut, ok := unescapeJSON(j.decoded[:0], logRaw, j.max+1)
	if !ok {
		return 0, nil, false, ErrBadEscape
	}
	j.decoded = keepSmall(text)
	if cut {
		return stream, text, !endsInNewline(logRaw), nil
	}
	if len(text) > 0 && text[len(text)-1] == '\n' {
		return stream, text[:len(text)-1], false, nil
	}
	return stream, text, true, nil
}

// keepBufBytes bounds the buffers a Joiner keeps between lines: one that
// grew for a longer line is dropped once used (a json-file line's "log"
// is at most 16 KiB, which Docker splits longer lines at), so that the
// joiners of many files each holding a buffer of their longest line do not
// add up.
const keepBufBytes = 16 << 10

// keepSmall returns b, to be reused, or nil when it is too big to keep.
// The caller may still use b until its next Line.
func keepSmall(b []byte) []byte {
	if cap(b) > keepBufBytes {
		return nil
	}
	return b
}

// endsInNewline reports whether a raw JSON string, whose escapes are
// valid, ends with a newline: literal, \n or \u000a.
func endsInNewline(raw []byte) bool {
	n := len(raw)
	var esc int // where the escape ending raw starts
	switch {
	case n >= 1 && raw[n-1] == '\n':
		return true
	case n >= 2 && raw[n-1] == 'n':
		esc = n - 2
	case n >= 6 && (bytes.HasSuffix(raw, []byte(`u000a`)) || bytes.HasSuffix(raw, []byte(`u000A`))):
		esc = n - 6
	default:
		return false
	}
	backslashes := 0
	for k := esc; k >= 0 && raw[k] == '\\'; k-- {
		backslashes++
	}
	return backslashes%2 == 1
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// scanString returns the raw (still escaped) content of the JSON string at
// b[i:] and the index after its closing quote: the first '"' preceded by an
// even number of backslashes. Escapes are checked when unescaping; raw
// control characters, which JSON writers escape, are let through.
func scanString(b []byte, i int) (raw []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	start := i + 1
	for k := start; k < len(b); {
		q := bytes.IndexByte(b[k:], '"')
		if q < 0 {
			return nil, 0, false
		}
		q += k
		bs := 0
		for q-1-bs >= start && b[q-1-bs] == '\\' {
			bs++
		}
		if bs%2 == 0 {
			return b[start:q], q + 1, true
		}
		k = q + 1
	}
	return nil, 0, false
}

// skipValue returns the index after the JSON value at b[i:]: strings,
// objects and arrays checked for balance (at most maxJSONDepth deep),
// numbers and literals by their characters.
func skipValue(b []byte, i int) (int, bool) {
	start, depth := i, 0
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			_, next, ok := scanString(b, i)
			if !ok {
				return 0, false
			}
			i = next
		case c == '{' || c == '[':
			if depth++; depth > maxJSONDepth {
				return 0, false
			}
			i++
		case c == '}' || c == ']':
			if depth == 0 {
				return i, i > start // the end of the enclosing object
			}
			depth--
			i++
		case c == ',' || c == ':' || c == ' ' || c == '\t':
			if depth == 0 {
				return i, i > start
			}
			i++
		case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			i++
		default:
			return 0, false
		}
		if depth == 0 && i < len(b) && (b[i] == ',' || b[i] == '}') {
			return i, true
		}
	}
	return 0, false
}

// unescapeJSON appends the content of a raw JSON string to dst with its
// escapes decoded, up to limit bytes in dst (cut: there was more; the
// rest is still checked); \u escapes of UTF-16 surrogates are paired, and
// a lone surrogate becomes U+FFFD (as encoding/json does). ok is false on
// an invalid escape.
func unescapeJSON(dst, raw []byte, limit int) (out []byte, cut, ok bool) {
	for len(raw) > 0 {
		if len(dst) >= limit {
			return dst[:limit], true, validEscapes(raw)
		}
		k := bytes.IndexByte(raw, '\\')
		if k < 0 {
			k = len(raw)
		}
		if room := limit - len(dst); k > room {
			return append(dst, raw[:room]...), true, validEscapes(raw[room:])
		}
		dst = append(dst, raw[:k]...)
		raw = raw[k:]
		if len(raw) == 0 {
			break
		}
		var n int
		if dst, n, ok = appendEscape(dst, raw); !ok {
			return dst, false, false
		}
		raw = raw[n:]
	}
	if len(dst) > limit { // a \u escape's bytes went past it
		return dst[:limit], true, true
	}
	return dst, false, true
}

// validEscapes reports whether every escape of a raw JSON string is valid.
func validEscapes(raw []byte) bool {
	var scratch [utf8.UTFMax]byte
	for {
		k := bytes.IndexByte(raw, '\\')
		if k < 0 {
			return true
		}
		_, n, ok := appendEscape(scratch[:0], raw[k:])
		if !ok {
			return false
		}
		raw = raw[k+n:]
	}
}

// appendEscape appends what the escape at the start of raw stands for, and
// returns its length in raw.
func appendEscape(dst, raw []byte) (out []byte, n int, ok bool) {
	if len(raw) < 2 {
		return dst, 0, false
	}
	switch raw[1] {
	case '"', '\\', '/':
		return append(dst, raw[1]), 2, true
	case 'b':
		return append(dst, '\b'), 2, true
	case 'f':
		return append(dst, '\f'), 2, true
	case 'n':
		return append(dst, '\n'), 2, true
	case 'r':
		return append(dst, '\r'), 2, true
	case 't':
		return append(dst, '\t'), 2, true
	case 'u':
		r, ok := hex4(raw[2:])
		if !ok {
			return dst, 0, false
		}
		if utf16.IsSurrogate(r) {
			rest := raw[6:]
			if r2, ok := hex4(rest[min(2, len(rest)):]); ok && len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return utf8.AppendRune(dst, dec), 12, true
				}
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(dst, r), 6, true
	}
	return dst, 0, false
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
