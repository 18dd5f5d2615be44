package collector

import (
	"strings"
	"unicode/utf8"
)

// sanitizeLabelValue makes a raw log field usable as a label value:
// client_golang panics on invalid UTF-8, so each run of invalid bytes
// becomes U+FFFD (as strings.ToValidUTF8 does), and the value is cut to at
// most maxBytes bytes on a rune boundary. The result never shares memory
// with raw, so a cut value does not keep a huge line alive. how says what
// was changed, for the caller to count; both bits are set when both apply.
func sanitizeLabelValue(raw []byte, maxBytes int) (value string, how Admission) {
	if len(raw) <= maxBytes && utf8.Valid(raw) {
		return string(raw), 0
	}
	var b strings.Builder
	b.Grow(min(len(raw), maxBytes))
	inInvalidRun := false
	i := 0
	for i < len(raw) {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			how |= InvalidUTF8
			if inInvalidRun {
				i++
				continue
			}
			if b.Len()+utf8.RuneLen(utf8.RuneError) > maxBytes {
				break
			}
			inInvalidRun = true
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		if b.Len()+size > maxBytes {
			break
		}
		inInvalidRun = false
		b.Write(raw[i : i+size])
		i += size
	}
	if i < len(raw) {
		how |= TooLong
		if how&InvalidUTF8 == 0 && !utf8.Valid(raw[i:]) {
			how |= InvalidUTF8
		}
	}
	return b.String(), how
}
