package syslog

import (
	"errors"
	"fmt"
)

// Format is the syslog header format a message was decoded as.
type Format uint8

// Formats recognised by Decode.
const (
	Unknown Format = iota // not decoded (malformed)
	RFC3164               // BSD syslog, also without hostname or timestamp
	RFC5424               // `<PRI>1 ...`
)

var formatNames = [...]string{Unknown: "unknown", RFC3164: "rfc3164", RFC5424: "rfc5424"}

// String returns "unknown", "rfc3164" or "rfc5424".
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// Message is one decoded syslog message. Its slices alias the decoded input:
// when a Handler receives it they are valid only during the call and must
// be copied to be kept. Absent fields and RFC 5424 NILVALUEs are nil.
type Message struct {
	Facility int    // 0-23 (16 = local0, 23 = local7)
	Severity int    // 0 (emerg) - 7 (debug)
	Format   Format // header format
	// Timestamp as sent: "Nov 21 11:01:17" (RFC 3164) or an RFC 3339 time.
	Timestamp []byte
	Hostname  []byte
	// Tag is the program name without "[pid]" (RFC 5424 APP-NAME):
	// "haproxy", "nginx" or nginx's tag= parameter.
	Tag []byte
	PID []byte // RFC 3164 [pid], RFC 5424 PROCID
	// MsgID and StructuredData are RFC 5424 only; StructuredData is raw,
	// brackets included.
	MsgID          []byte
	StructuredData []byte
	// Content is the message after the header: what a log file line would
	// hold after "tag[pid]: ", possibly empty. Trailing "\n", "\r" and NUL
	// are removed.
	Content []byte
}

// ErrMalformed is wrapped by every error of Decode.
var ErrMalformed = errors.New("syslog: malformed message")

// Errors of Decode; all wrap ErrMalformed. They are allocated once so that
// Decode does not allocate.
var (
	ErrEmpty             = fmt.Errorf("%w: empty", ErrMalformed)
	ErrNoPRI             = fmt.Errorf("%w: no <PRI> at start", ErrMalformed)
	ErrBadPRI            = fmt.Errorf("%w: invalid <PRI> (want <0> to <191>)", ErrMalformed)
	ErrHeader            = fmt.Errorf("%w: incomplete RFC 5424 header", ErrMalformed)
	ErrStructuredData    = fmt.Errorf("%w: invalid RFC 5424 structured data", ErrMalformed)
	errStructuredDataEnd = fmt.Errorf("%w: no space after RFC 5424 structured data", ErrStructuredData)
)

// maxPRI is local7.debug: 23<<3 | 7.
const maxPRI = 191

// Decode decodes one syslog message (without transport framing) into m,
// overwriting every field. Trailing "\n", "\r" and NUL bytes are ignored.
// It does not allocate; m's slices alias b.
//
// The error, if any, wraps ErrMalformed; m.Content then holds the bytes that
// could not be decoded (all of b, or what follows a valid PRI) and m.Format
// is Unknown.
func Decode(b []byte, m *Message) error {
	*m = Message{}
	b = trimTrailer(b)
	if len(b) == 0 {
		return ErrEmpty
	}
	pri, n, err := parsePRI(b)
	if err != nil {
		m.Content = b
		return err
	}
	m.Facility, m.Severity = pri>>3, pri&7
	rest := b[n:]
	if len(rest) >= 2 && rest[0] == '1' && rest[1] == ' ' {
		if err := decode5424(rest[2:], m); err != nil {
			*m = Message{Facility: pri >> 3, Severity: pri & 7, Content: rest}
			return err
		}
		return nil
	}
	decode3164(rest, m)
	return nil
}

// trimTrailer removes trailing '\n', '\r' and NUL bytes.
func trimTrailer(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case '\n', '\r', 0:
			b = b[:len(b)-1]
		default:
			return b
		}
	}
	return b
}

// parsePRI parses "<N>" at the start of b (1 to 3 digits, N <= 191) and
// returns N and the length of "<N>".
func parsePRI(b []byte) (pri, n int, err error) {
	if b[0] != '<' {
		return 0, 0, ErrNoPRI
	}
	for i := 1; i < len(b) && i <= 4; i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9' && i <= 3:
			pri = pri*10 + int(c-'0')
		case c == '>' && i > 1:
			if pri > maxPRI {
				return 0, 0, ErrBadPRI
			}
			return pri, i + 1, nil
		default:
			return 0, 0, ErrBadPRI
		}
	}
	return 0, 0, ErrBadPRI
}

// word splits b at its first space: the word before it and what follows
// the space (nil when there is no space).
func word(b []byte) (w, rest []byte, ok bool) {
	for i, c := range b {
		if c == ' ' {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}

// nilValue returns nil for the RFC 5424 NILVALUE "-", else f.
func nilValue(f []byte) []byte {
	if len(f) == 1 && f[0] == '-' {
		return nil
	}
	return f
}
