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
	if j.decoded, ok = unescapeJSON(j.decoded[:0], logRaw); !ok {
		return 0, nil, false, ErrBadEscape
	}
	text = j.decoded
	if len(text) > 0 && text[len(text)-1] == '\n' {
		return stream, text[:len(text)-1], false, nil
	}
	return stream, text, true, nil
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
// escapes decoded; \u escapes of UTF-16 surrogates are paired, and a lone
// surrogate becomes U+FFFD (as encoding/json does). ok is false on an
// invalid escape.
func unescapeJSON(dst, raw []byte) ([]byte, bool) {
	for len(raw) > 0 {
		k := bytes.IndexByte(raw, '\\')
		if k < 0 {
			return append(dst, raw...), true
		}
		dst = append(dst, raw[:k]...)
		raw = raw[k:]
		if len(raw) < 2 {
			return dst, false
		}
		switch raw[1] {
		case '"', '\\', '/':
			dst = append(dst, raw[1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(raw[2:])
			if !ok {
				return dst, false
			}
			raw = raw[6:]
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(raw[min(2, len(raw)):]); ok && len(raw) >= 6 && raw[0] == '\\' && raw[1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						dst = utf8.AppendRune(dst, dec)
						raw = raw[6:]
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, false
		}
		raw = raw[2:]
	}
	return dst, true
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
