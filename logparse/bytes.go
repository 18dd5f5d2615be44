package logparse

// Byte helpers more than one parser family needs. They work on []byte
// without converting it to a string, so they allocate nothing.

// HasPrefix reports whether b starts with s.
func HasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// SkipDigits returns the offset of the first byte at or after pos in b that
// is not an ASCII digit.
func SkipDigits(b []byte, pos int) int {
	for pos < len(b) && IsDigit(b[pos]) {
		pos++
	}
	return pos
}

// IsDigit reports whether c is an ASCII digit.
func IsDigit(c byte) bool { return c >= '0' && c <= '9' }

// ParseUint parses decimal digits; ok is false on overflow or no digits.
func ParseUint(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if !IsDigit(c) {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
