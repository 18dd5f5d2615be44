package logwindow

import (
	"time"
)

// Timestamp readers, one per log family. They are pure, allocate nothing
// and report ok=false rather than guess: a line whose date they cannot read
// is counted as undated.

// num reads n ASCII digits at b[i:].
func num(b []byte, i, n int) (int, bool) {
	if i < 0 || i+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// at reports whether b[i] is c.
func at(b []byte, i int, c byte) bool { return i >= 0 && i < len(b) && b[i] == c }

// monthKeys are the three-letter English month names packed as month
// reads them.
var monthKeys = func() (k [12]uint32) {
	for m, name := range [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"} {
		k[m] = uint32(name[0])<<16 | uint32(name[1])<<8 | uint32(name[2])
	}
	return k
}()

// month reads a three-letter English month name at b[i:].
func month(b []byte, i int) (time.Month, bool) {
	if i < 0 || i+3 > len(b) {
		return 0, false
	}
	key := uint32(b[i])<<16 | uint32(b[i+1])<<8 | uint32(b[i+2])
	for m, k := range monthKeys {
		if k == key {
			return time.Month(m + 1), true
		}
	}
	return 0, false
}

// clock reads hh:mm:ss at b[i:] and an optional fraction after it; it
// returns the time of day in nanoseconds and the index after what it read.
func clock(b []byte, i int) (ns int64, end int, ok bool) {
	h, ok1 := num(b, i, 2)
	m, ok2 := num(b, i+3, 2)
	s, ok3 := num(b, i+6, 2)
	if !ok1 || !ok2 || !ok3 || !at(b, i+2, ':') || !at(b, i+5, ':') || h > 23 || m > 59 || s > 60 {
		return 0, 0, false
	}
	ns = int64(h)*int64(time.Hour) + int64(m)*int64(time.Minute) + int64(s)*int64(time.Second)
	end = i + 8
	if at(b, end, '.') || at(b, end, ',') {
		scale := int64(time.Second)
		end++
		for end < len(b) && b[end] >= '0' && b[end] <= '9' {
			if scale > 1 {
				scale /= 10
				ns += int64(b[end]-'0') * scale
			}
			end++
		}
	}
	return ns, end, true
}

// date builds a time, rejecting impossible days (time.Date would normalise
// Feb 31 into March).
func date(y int, mo time.Month, d int, ns int64, loc *time.Location) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || y > 9999 {
		return time.Time{}, false
	}
	t := time.Date(y, mo, d, 0, 0, 0, 0, loc).Add(time.Duration(ns))
	if t.Day() != d && ns < int64(24*time.Hour) {
		return time.Time{}, false
	}
	return t, true
}

// zone reads Z, ±hh:mm or ±hhmm at b[i:]; ok is false when there is none.
func zone(b []byte, i int) (loc *time.Location, end int, ok bool) {
	if at(b, i, 'Z') {
		return time.UTC, i + 1, true
	}
	if !at(b, i, '+') && !at(b, i, '-') {
		return nil, i, false
	}
	h, ok1 := num(b, i+1, 2)
	j := i + 3
	if at(b, j, ':') {
		j++
	}
	m, ok2 := num(b, j, 2)
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return nil, i, false
	}
	off := h*3600 + m*60
	if b[i] == '-' {
		off = -off
	}
	return fixedZone(off), j + 2, true
}

// fixedZone returns a cached zone for an offset (time.FixedZone
// allocates); real offsets are multiples of 15 minutes, others are made.
func fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if off%900 != 0 || off < -24*3600 || off > 24*3600 {
		return time.FixedZone("", off)
	}
	return zoneCache[off/900+96]
}

var zoneCache = func() (c [193]*time.Location) {
	for k := range c {
		c[k] = time.FixedZone("", (k-96)*900)
	}
	return c
}()
