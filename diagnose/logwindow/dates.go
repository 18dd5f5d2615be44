package logwindow

import (
	"time"
)

// dateScanLimit bounds how far into a line a date is looked for when it is
// not where the format puts it (a prefix added by a collector).
const dateScanLimit = 64

// nginxErrorTime reads `2026/12/02 03:04:05` (local time) at the start of
// an nginx error-log line, or within its first bytes.
func nginxErrorTime(line []byte, loc *time.Location) (time.Time, bool) {
	if t, ok := nginxErrorTimeAt(line, 0, loc); ok {
		return t, true
	}
	for i := 1; i+19 <= len(line) && i < dateScanLimit; i++ {
		if line[i] == '/' && i >= 4 {
			if t, ok := nginxErrorTimeAt(line, i-4, loc); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func nginxErrorTimeAt(b []byte, i int, loc *time.Location) (time.Time, bool) {
	y, ok1 := num(b, i, 4)
	mo, ok2 := num(b, i+5, 2)
	d, ok3 := num(b, i+8, 2)
	if !ok1 || !ok2 || !ok3 || !at(b, i+4, '/') || !at(b, i+7, '/') || !at(b, i+10, ' ') {
		return time.Time{}, false
	}
	ns, _, ok := clock(b, i+11)
	if !ok {
		return time.Time{}, false
	}
	return date(y, time.Month(mo), d, ns, loc)
}

// rfc3339 reads `2026-12-02T03:04:05(.frac)(Z|±hh:mm)` at b[i:]; a space
// instead of the T is accepted, and a missing zone means loc.
func rfc3339(b []byte, i int, loc *time.Location) (time.Time, int, bool) {
	y, ok1 := num(b, i, 4)
	mo, ok2 := num(b, i+5, 2)
	d, ok3 := num(b, i+8, 2)
	if !ok1 || !ok2 || !ok3 || !at(b, i+4, '-') || !at(b, i+7, '-') || !(at(b, i+10, 'T') || at(b, i+10, ' ')) {
		return time.Time{}, 0, false
	}
	ns, end, ok := clock(b, i+11)
	if !ok {
		return time.Time{}, 0, false
	}
	if z, zend, ok := zone(b, end); ok {
		loc, end = z, zend
	}
	t, ok := date(y, time.Month(mo), d, ns, loc)
	return t, end, ok
}

// clfTime reads `02/Dec/2026:03:04:05(.mmm)( +0000)` at b[i:] ($time_local,
// HAProxy's accept date); without an offset the time is in loc.
func clfTime(b []byte, i int, loc *time.Location) (time.Time, bool) {
	d, ok1 := num(b, i, 2)
	mo, ok2 := month(b, i+3)
	y, ok3 := num(b, i+7, 4)
	if !ok1 || !ok2 || !ok3 || !at(b, i+2, '/') || !at(b, i+6, '/') || !at(b, i+11, ':') {
		return time.Time{}, false
	}
	ns, end, ok := clock(b, i+12)
	if !ok {
		return time.Time{}, false
	}
	if at(b, end, ' ') {
		if z, _, ok := zone(b, end+1); ok {
			loc = z
		}
	}
	return date(y, mo, d, ns, loc)
}

// syslogTime reads the RFC 3164 `Mmm dd hh:mm:ss` at b[i:]. It has no year:
// the year of now is taken, or the one before when that would put the line
// more than a day after now (December's lines read in January).
func syslogTime(b []byte, i int, now time.Time, loc *time.Location) (time.Time, bool) {
	mo, ok := month(b, i)
	if !ok || !at(b, i+3, ' ') {
		return time.Time{}, false
	}
	var d int
	if at(b, i+4, ' ') {
		d, ok = num(b, i+5, 1)
	} else {
		d, ok = num(b, i+4, 2)
	}
	if !ok || !at(b, i+6, ' ') {
		return time.Time{}, false
	}
	ns, _, ok := clock(b, i+7)
	if !ok {
		return time.Time{}, false
	}
	y := now.In(loc).Year()
	t, ok := date(y, mo, d, ns, loc)
	if ok && t.After(now.Add(24*time.Hour)) {
		t, ok = date(y-1, mo, d, ns, loc)
	}
	return t, ok
}

// haproxyTime reads the date of a HAProxy line: the syslog framing's
// (`<PRI>`, RFC 5424 `1 TIMESTAMP`, RFC 3164 / rsyslog `Mmm dd hh:mm:ss`,
// an RFC 3339 stamp), else the accept date `[02/Dec/2026:03:04:05.123]` of
// a raw httplog line.
func haproxyTime(line []byte, now time.Time, loc *time.Location) (time.Time, bool) {
	i := 0
	if at(line, 0, '<') {
		for j := 1; j < len(line) && j <= 4; j++ {
			if line[j] == '>' {
				i = j + 1
				break
			}
		}
		if at(line, i, '1') && at(line, i+1, ' ') {
			t, _, ok := rfc3339(line, i+2, loc)
			return t, ok
		}
	}
	if t, ok := syslogTime(line, i, now, loc); ok {
		return t, true
	}
	if t, _, ok := rfc3339(line, i, loc); ok {
		return t, true
	}
	limit := min(len(line), 512)
	for j := i; j < limit; j++ {
		if line[j] == '[' {
			if t, ok := clfTime(line, j+1, loc); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// apacheTime reads `[Wed Dec 02 03:04:05.123456 2026]` (2.4; 2.2 has no
// fraction) or ErrorLogFormat's `[2026-12-02 03:04:05.123456]` at the start.
func apacheTime(line []byte, loc *time.Location) (time.Time, bool) {
	if !at(line, 0, '[') {
		return time.Time{}, false
	}
	if t, _, ok := rfc3339(line, 1, loc); ok {
		return t, true
	}
	mo, ok1 := month(line, 5)
	d, ok2 := num(line, 9, 2)
	if !ok1 || !ok2 || !at(line, 4, ' ') || !at(line, 8, ' ') || !at(line, 11, ' ') {
		return time.Time{}, false
	}
	ns, end, ok := clock(line, 12)
	if !ok || !at(line, end, ' ') {
		return time.Time{}, false
	}
	y, ok := num(line, end+1, 4)
	if !ok || !at(line, end+5, ']') {
		return time.Time{}, false
	}
	return date(y, mo, d, ns, loc)
}
