package awsalb

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Field scanning: fields are separated by single spaces; a field that starts
// with a double quote runs to the next unescaped double quote (AWS escapes
// `"` and `\` inside quoted fields with a backslash), so it may hold spaces.
// Values are the raw bytes between the quotes, escapes left as they are:
// nothing the counters use ever contains one.

// escaped reports whether the quote at b[q] is preceded by an odd number of
// backslashes (not counting bytes before from).
func escaped(b []byte, from, q int) bool {
	n := 0
	for j := q - 1; j >= from && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// seconds parses a processing time: "-1" (the phase never completed) or a
// decimal such as "0.001". ok is false for anything else.
func seconds(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var whole, frac uint64
	scale := 1.0
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if whole > 1e15 {
			return 0, false
		}
		whole = whole*10 + uint64(b[i]-'0')
	}
	if i == 0 {
		return 0, false
	}
	if i < len(b) {
		if b[i] != '.' {
			return 0, false
		}
		i++
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if scale < 1e15 {
				frac = frac*10 + uint64(b[i]-'0')
				scale *= 10
			}
		}
		if i < len(b) {
			return 0, false
		}
	}
	v := float64(whole) + float64(frac)/scale
	if neg {
		v = -v
	}
	return v, true
}

// isStatus reports whether b is a three-digit status code.
func isStatus(b []byte) bool {
	return len(b) == 3 && b[0] >= '1' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9' && b[2] >= '0' && b[2] <= '9'
}

// dash reports whether b is the "no value" placeholder.
func dash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// indexSpace returns the offset of the first space in b at or after i, or
// len(b); indexQuote the same for a double quote.
func indexSpace(b []byte, i int) int { return indexByte(b, i, ' ', 0x2020202020202020) }
func indexQuote(b []byte, i int) int { return indexByte(b, i, '"', 0x2222222222222222) }

// indexByte finds c (repeated in every byte of rep) in b from i. Most
// fields are short: the first 16 bytes are searched eight at a time without
// a call (the zero-byte test (x-0x01…)&^x&0x80… can flag bytes after the
// first match - a borrow - never before it, so the lowest flag is exact);
// the rest of a long field (an ARN, a user agent) by IndexByte's vector
// code.
func indexByte(b []byte, i int, c byte, rep uint64) int {
	for range 2 {
		if i+8 > len(b) {
			for i < len(b) && b[i] != c {
				i++
			}
			return i
		}
		x := binary.LittleEndian.Uint64(b[i:]) ^ rep
		if t := (x - 0x0101010101010101) &^ x & 0x8080808080808080; t != 0 {
			return i + bits.TrailingZeros64(t)>>3
		}
		i += 8
	}
	if j := bytes.IndexByte(b[i:], c); j >= 0 {
		return i + j
	}
	return len(b)
}
