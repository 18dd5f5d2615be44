package haproxy

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// Locating the HAProxy message behind its syslog or collector framing:
// nothing (log stdout format raw), `<PRI>` (format short/priority),
// `<PRI>Mmm dd hh:mm:ss [host ]haproxy[pid]: ` (RFC 3164, format local),
// rsyslog files `Mmm dd hh:mm:ss host haproxy[pid]: `, RFC 5424
// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD `, journald `haproxy[pid]: `,
// and an RFC 3339 stamp (format timed/iso, container runtimes, kubectl
// --timestamps) optionally followed by CRI `stdout F `.

// hapMaxHeader bounds how far into a line a program tag is looked for.
const hapMaxHeader = 256

// hapFrame is what the framing of a line says.
type hapFrame struct {
	pos      int    // start of the message as the framing defines it
	rfc5424  bool   // pos is definitive
	haproxy  bool   // the RFC 5424 APP-NAME is haproxy
	severity int    // syslog severity from <PRI>, -1 when absent
	level    []byte // level word derived from the severity
}

var hapSeverityLevels = [8][]byte{
	[]byte("emerg"), []byte("alert"), []byte("crit"), []byte("error"),
	[]byte("warn"), []byte("notice"), []byte("info"), []byte("debug"),
}

// locateHAProxyFrame strips `<PRI>` and, for RFC 5424, the whole header.
func locateHAProxyFrame(line []byte) hapFrame {
	f := hapFrame{severity: -1}
	if len(line) > 2 && line[0] == '<' {
		end := logparse.SkipDigits(line, 1)
		if end > 1 && end <= 4 && end < len(line) && line[end] == '>' {
			pri, _ := logparse.ParseUint(line[1:end])
			f.severity = int(pri & 7)
			f.level = hapSeverityLevels[f.severity]
			f.pos = end + 1
		}
	}
	if f.pos > 0 && len(line) > f.pos+2 && line[f.pos] == '1' && line[f.pos+1] == ' ' {
		if msg, app, ok := skipRFC5424Header(line, f.pos+2); ok {
			f.pos, f.rfc5424 = msg, true
			f.haproxy = logparse.HasPrefix(app, "haproxy") || logparse.HasPrefix(app, "hapee")
		}
	}
	return f
}

// skipRFC5424Header skips TIMESTAMP HOST APP PROCID MSGID SD and the space
// (and UTF-8 BOM) before MSG; it also returns APP.
func skipRFC5424Header(line []byte, pos int) (msg int, app []byte, ok bool) {
	for field := 0; field < 5; field++ {
		sp := hapIndexByte(line, pos, ' ')
		if sp <= pos {
			return 0, nil, false
		}
		if field == 2 {
			app = line[pos:sp]
		}
		pos = sp + 1
	}
	if pos >= len(line) {
		return pos, app, true
	}
	if line[pos] == '-' {
		pos++
	} else {
		for pos < len(line) && line[pos] == '[' {
			pos = skipSDElement(line, pos)
		}
	}
	if pos < len(line) && line[pos] == ' ' {
		pos++
	}
	if logparse.HasPrefix(line[pos:], "\xef\xbb\xbf") {
		pos += 3
	}
	return pos, app, true
}

// skipSDElement skips `[id k="v" …]`, honouring `\"`, `\]` and `\\` in values.
func skipSDElement(line []byte, pos int) int {
	inValue := false
	for i := pos + 1; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && inValue:
			i++
		case c == '"':
			inValue = !inValue
		case c == ']' && !inValue:
			return i + 1
		}
	}
	return len(line)
}

// hapIndexByte is bytes.IndexByte from offset from.
func hapIndexByte(b []byte, from int, c byte) int {
	if from < 0 || from >= len(b) {
		return -1
	}
	if i := bytes.IndexByte(b[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

// nextTagEnd finds the next `TAG: ` or `TAG[PID]: ` at or after from, within
// hapMaxHeader bytes. It returns the offset of the message after it, whether
// the tag names haproxy, and the offset to continue the search from.
func nextTagEnd(line []byte, from int) (msg int, haproxy bool, next int) {
	limit := len(line)
	if limit > hapMaxHeader {
		limit = hapMaxHeader
	}
	for i := from; i+1 < limit; i++ {
		if line[i] != ':' || line[i+1] != ' ' {
			continue
		}
		start := i
		for start > 0 && line[start-1] != ' ' {
			start--
		}
		tag := line[start:i]
		if name, ok := programTag(tag); ok {
			return i + 2, logparse.HasPrefix(name, "haproxy") || logparse.HasPrefix(name, "hapee"), i + 2
		}
	}
	return -1, false, limit
}

// programTag validates `name` or `name[pid]` and returns the name.
func programTag(tag []byte) ([]byte, bool) {
	if n := len(tag); n > 2 && tag[n-1] == ']' {
		open := n - 2
		for open > 0 && logparse.IsDigit(tag[open]) {
			open--
		}
		if tag[open] != '[' || open == n-2 {
			return nil, false
		}
		tag = tag[:open]
	}
	if len(tag) == 0 || len(tag) > 64 || !isHAPNameStart(tag[0]) {
		return nil, false
	}
	for _, c := range tag {
		if !isHAPNameStart(c) && !logparse.IsDigit(c) && c != '-' && c != '_' && c != '.' && c != '/' {
			return nil, false
		}
	}
	return tag, true
}

func isHAPNameStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// skipRFC3339 skips `YYYY-MM-DDTHH:MM:SS… ` and a CRI `stdout F `/`stderr P `
// after it; it returns pos unchanged when there is no such stamp.
func skipRFC3339(line []byte, pos int) int {
	b := line[pos:]
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || !logparse.IsDigit(b[0]) {
		return pos
	}
	sp := hapIndexByte(line, pos+11, ' ')
	if b[10] == ' ' && sp >= 0 {
		sp = hapIndexByte(line, sp+1, ' ')
	}
	if sp < 0 {
		return pos
	}
	pos = sp + 1
	if r := line[pos:]; len(r) > 9 && (logparse.HasPrefix(r, "stdout ") || logparse.HasPrefix(r, "stderr ")) && r[8] == ' ' && (r[7] == 'F' || r[7] == 'P') {
		pos += 9
	}
	return pos
}

var (
	levelWarn   = []byte("warn")
	levelAlert  = []byte("alert")
	levelNotice = []byte("notice")
	levelError  = []byte("error")
	levelEmerg  = []byte("emerg")
	levelInfo   = []byte("info")
)

// skipLevelPrefix skips the stderr prefix of ha_alert/ha_warning/ha_notice:
// `[WARNING]  (PID) : ` since 2.4, `[WARNING] DDD/HHMMSS (PID) : ` before.
func skipLevelPrefix(msg []byte) (level, rest []byte, ok bool) {
	end := 1
	for end < len(msg) && end < 12 && msg[end] >= 'A' && msg[end] <= 'Z' {
		end++
	}
	if end < 3 || end >= len(msg) || msg[end] != ']' {
		return nil, msg, false
	}
	word := msg[1:end]
	p := end + 1
	for p < len(msg) && msg[p] == ' ' {
		p++
	}
	if q := logparse.SkipDigits(msg, p); q > p && q < len(msg) && msg[q] == '/' {
		r := logparse.SkipDigits(msg, q+1)
		if r == q+1 || r >= len(msg) || msg[r] != ' ' {
			return nil, msg, false
		}
		p = r + 1
	}
	if p >= len(msg) || msg[p] != '(' {
		return nil, msg, false
	}
	q := logparse.SkipDigits(msg, p+1)
	if q == p+1 || !logparse.HasPrefix(msg[q:], ") : ") {
		return nil, msg, false
	}
	switch string(word) {
	case "WARNING":
		level = levelWarn
	case "ALERT":
		level = levelAlert
	case "NOTICE":
		level = levelNotice
	case "EMERG":
		level = levelEmerg
	case "DIAG", "INFO":
		level = levelInfo
	default:
		level = levelError
	}
	return level, msg[q+4:], true
}

// findLevelPrefix finds HAProxy's stderr prefix (`[WARNING]  (pid) : `, see
// skipLevelPrefix) behind whatever a collector put before it, within
// hapMaxHeader bytes: an ISO date and time (`docker logs -t`, journald
// exports, `2023-11-20 08:14:02.771`), compose's `service-1  | `, kubectl
// `--prefix` (`[pod/NAME/CONTAINER] ` and an RFC 3339 stamp with nanoseconds
// and an offset), stern's `POD CONTAINER `. It returns the offset of the
// '[', or -1.
func findLevelPrefix(line []byte, from int) int {
	limit := len(line)
	if limit > hapMaxHeader {
		limit = hapMaxHeader
	}
	for i := from; i < limit; i++ {
		i = hapIndexByte(line[:limit], i, '[')
		if i < 0 {
			return -1
		}
		if i > 0 && line[i-1] != ' ' || i+1 >= len(line) || line[i+1] < 'A' || line[i+1] > 'Z' {
			continue
		}
		if _, _, ok := skipLevelPrefix(line[i:]); ok {
			return i
		}
	}
	return -1
}
