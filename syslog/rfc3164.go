package syslog

import "bytes"

// maxTagLen bounds a tag. RFC 3164 says 32; programs such as
// "postfix/submission/smtpd" exceed it, content words rarely end in ':'
// this far in.
const maxTagLen = 64

// decode3164 decodes what follows <PRI> as BSD syslog:
// [TIMESTAMP SP] [HOSTNAME SP] [TAG[PID]: ]CONTENT. It never fails.
//
// Without a timestamp, only a tag is looked for: RFC 3164 makes the whole
// rest the content. With one, the first word is the tag if it looks like
// one (HAProxy's default format and nginx's nohostname have no hostname),
// else the hostname, followed by an optional tag.
func decode3164(b []byte, m *Message) {
	m.Format = RFC3164
	n := timestampLen(b)
	if n == 0 {
		m.Content = parseTag(b, m)
		return
	}
	m.Timestamp = b[:n]
	b = b[n:]
	if len(b) > 0 {
		b = b[1:] // the space after the timestamp
	}
	if content, ok := tagged(b, m); ok {
		m.Content = content
		return
	}
	host, rest, ok := word(b)
	if !ok || len(host) == 0 {
		m.Content = b // a single word, or content starting with a space
		return
	}
	m.Hostname = host
	m.Content = parseTag(rest, m)
}

// parseTag sets m.Tag and m.PID if b starts with a tag and returns the
// content after it; otherwise it returns b.
func parseTag(b []byte, m *Message) []byte {
	if content, ok := tagged(b, m); ok {
		return content
	}
	return b
}

// tagged reports whether the first word of b is a tag, `name[pid]:`,
// `name:` or `name[pid]`; if so it sets m.Tag and m.PID and returns what
// follows the tag's space.
func tagged(b []byte, m *Message) (content []byte, ok bool) {
	w, rest, _ := word(b)
	colon := len(w) > 0 && w[len(w)-1] == ':'
	if colon {
		w = w[:len(w)-1]
	}
	var pid []byte
	if len(w) > 0 && w[len(w)-1] == ']' {
		open := bytes.LastIndexByte(w, '[')
		if open < 0 {
			return nil, false
		}
		pid = w[open+1 : len(w)-1]
		if len(pid) == 0 || !tagChars(pid) {
			return nil, false
		}
		w = w[:open]
	} else if !colon {
		return nil, false
	}
	if len(w) == 0 || len(w) > maxTagLen || !tagChars(w) {
		return nil, false
	}
	m.Tag, m.PID = w, pid
	return rest, true
}

// tagChars reports whether b holds only printable ASCII other than ':',
// '[' and ']'.
func tagChars(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || c == ':' || c == '[' || c == ']' {
			return false
		}
	}
	return true
}

// timestampLen returns the length of the timestamp at the start of b, 0 if
// there is none. It accepts "Mmm dd hh:mm:ss" (day space-padded or not,
// optional fraction ".ddd") and an RFC 3339 time "YYYY-MM-DDThh:mm:ss...".
// The timestamp must be followed by a space or the end of b.
func timestampLen(b []byte) int {
	n := 0
	switch {
	case len(b) >= 15 && isMonth(b[:3]) && b[3] == ' ' &&
		(b[4] == ' ' || isDigit(b[4])) && isDigit(b[5]) && b[6] == ' ' &&
		isClock(b[7:15]):
		n = 15
		if n < len(b) && b[n] == '.' {
			j := n + 1
			for j < len(b) && j-n <= 9 && isDigit(b[j]) {
				j++
			}
			if j > n+1 {
				n = j
			}
		}
	case len(b) >= 19 && allDigits(b[0:4]) && b[4] == '-' && allDigits(b[5:7]) &&
		b[7] == '-' && allDigits(b[8:10]) && (b[10] == 'T' || b[10] == 't') &&
		isClock(b[11:19]):
		w, _, _ := word(b)
		n = len(w)
	default:
		return 0
	}
	if n < len(b) && b[n] != ' ' {
		return 0
	}
	return n
}

func isMonth(b []byte) bool {
	switch string(b) {
	case "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec":
		return true
	}
	return false
}

// isClock reports whether b is "hh:mm:ss" (digits not range-checked).
func isClock(b []byte) bool {
	return len(b) == 8 && allDigits(b[0:2]) && b[2] == ':' && allDigits(b[3:5]) &&
		b[5] == ':' && allDigits(b[6:8])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}
