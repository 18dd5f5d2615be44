package awsalb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// ParseError says why a line is not an access-log entry of the expected
// kind. Only failures allocate.
type ParseError struct {
	Reason string
	Field  int // 1-based field of the line where it went wrong; 0 for the whole line
}

func (e *ParseError) Error() string {
	if e.Field <= 0 {
		return "awsalb: " + e.Reason
	}
	return fmt.Sprintf("awsalb: field %d: %s", e.Field, e.Reason)
}

// ErrEmpty is returned for an empty (or blank) line.
var ErrEmpty = errors.New("awsalb: empty line")

// Parse parses an Application Load Balancer entry into rec.
func Parse(line []byte, rec *Record) error { return parse(line, KindALB, rec) }

// ParseELB parses a Classic Load Balancer entry into rec.
func ParseELB(line []byte, rec *Record) error { return parse(line, KindELB, rec) }

// Detect tells an ALB line (it starts with the request type) from a Classic
// one (it starts with the timestamp); ok is false for neither.
func Detect(line []byte) (Kind, bool) {
	if len(line) == 0 {
		return KindALB, false
	}
	if line[0] >= '0' && line[0] <= '9' {
		return KindELB, true
	}
	for _, t := range [...]string{"http ", "https ", "h2 ", "grpcs ", "ws ", "wss "} {
		if len(line) > len(t) && string(line[:len(t)]) == t {
			return KindALB, true
		}
	}
	return KindALB, false
}

// parse splits line into fields (see fields.go) straight into rec.f, then
// checks and converts the fields the counters use. One pass, no calls per
// field but the quote search.
func parse(b []byte, kind Kind, rec *Record) error {
	rec.Kind, rec.Cause, rec.Generated, rec.Upstream = kind, 0, false, nil
	rec.NAttempts, rec.AttemptsDropped = 0, 0
	rec.RequestSeconds, rec.TargetSeconds, rec.ResponseSeconds = -1, -1, -1
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	idx := 0 // ALB position of the next field
	if kind == KindELB {
		idx = 1
		rec.f[fType] = nil
	}
	first := idx
	pos := 0
	for {
		for pos < len(b) && b[pos] == ' ' {
			pos++
		}
		if pos >= len(b) {
			break
		}
		var f []byte
		if b[pos] != '"' {
			// Most unquoted fields (times, statuses, sizes, "-") end within
			// the next eight bytes: test them here, without a call.
			end := pos + 1
			if end+8 <= len(b) {
				x := binary.LittleEndian.Uint64(b[end:]) ^ 0x2020202020202020
				if t := (x - 0x0101010101010101) &^ x & 0x8080808080808080; t != 0 {
					end += bits.TrailingZeros64(t) >> 3
				} else {
					end = indexSpace(b, end+8)
				}
			} else {
				end = indexSpace(b, end)
			}
			f, pos = b[pos:end], end+1
		} else {
			start := pos + 1
			i := start
			for {
				i = indexQuote(b, i)
				if i == len(b) {
					rec.top = 0
					return &ParseError{"unterminated quoted field", idx - first + 1}
				}
				if b[i-1] != '\\' || !escaped(b, start, i) {
					break
				}
				i++
			}
			f, pos = b[start:i], i+1
			if pos < len(b) && b[pos] != ' ' {
				rec.top = 0
				return &ParseError{"junk after a closing quote", idx - first + 1}
			}
		}
		if idx < albFields {
			rec.f[idx] = f
		}
		idx++
	}
	rec.top = min(idx, albFields)
	n := idx - first
	rec.Fields = n
	switch {
	case n == 0:
		return ErrEmpty
	case kind == KindALB && n < albMinFields:
		return &ParseError{fmt.Sprintf("%d fields, want at least %d", n, albMinFields), 0}
	case kind == KindELB && n < elbMinFields:
		return &ParseError{fmt.Sprintf("%d fields, want at least %d", n, elbMinFields), 0}
	}
	if err := rec.convert(first); err != nil {
		rec.top = 0
		return err
	}
	rec.derive()
	return nil
}

// convert checks the status codes and converts the processing times.
func (r *Record) convert(first int) error {
	var ok [3]bool
	r.RequestSeconds, ok[0] = seconds(r.f[fRequestTime])
	r.TargetSeconds, ok[1] = seconds(r.f[fTargetTime])
	r.ResponseSeconds, ok[2] = seconds(r.f[fResponseTime])
	for i, good := range ok {
		if !good {
			return &ParseError{"processing time is not a number", fRequestTime + i - first + 1}
		}
	}
	if s := r.f[fELBStatus]; !isStatus(s) && !dash(s) {
		return &ParseError{"elb_status_code is not a status", fELBStatus - first + 1}
	}
	if s := r.f[fTargetStatus]; !isStatus(s) && !dash(s) {
		return &ParseError{"target_status_code is not a status", fTargetStatus - first + 1}
	}
	return nil
}
