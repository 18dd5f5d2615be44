package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// maxPrefixLen bounds how far into a line the nginx `[level] ` header is
// looked for. Collector prefixes (docker-compose service names, RFC 3339
// timestamps, CRI `stderr F`, kubectl/stern pod names, syslog headers, Rancher
// `today at HH:MM nginx.1 | `) sit in front of the nginx header; even stacked
// they stay well below this.
const maxPrefixLen = 320

// nginxHeader is what the start of an nginx error-log line says.
type nginxHeader struct {
	found    bool   // a `[level] ` header was found
	strict   bool   // it also had `PID#TID: ` or a `YYYY/MM/DD HH:MM:SS ` date
	level    []byte // "error", "crit" …
	connID   uint64 // *N, 0 when absent
	msgStart int    // offset of the message text in the line
}

// locateNginxHeader finds `[level] [PID#TID: ][*CONN ]` in the first
// maxPrefixLen bytes of line, whatever collector prefix precedes it. When there
// is no header, msgStart points past leading blanks and an optional `*CONN `,
// so that header-less fragments can still be matched by their message.
func locateNginxHeader(line []byte) nginxHeader {
	window := line
	if len(window) > maxPrefixLen {
		window = window[:maxPrefixLen]
	}
	for from := 0; from < len(window); {
		i := bytes.IndexByte(window[from:], '[')
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		if i > 0 && !isPrefixSeparator(line[i-1]) {
			continue
		}
		level := matchLevel(line[i+1:])
		if level == 0 {
			continue
		}
		h := nginxHeader{found: true, level: line[i+1 : i+1+level]}
		h.strict = hasDateBefore(line, i)
		pos := i + 1 + level + 2 // past "] "
		if end, ok := skipPIDTID(line, pos); ok {
			pos = end
			h.strict = true
		}
		h.connID, h.msgStart = parseConnID(line, pos)
		return h
	}
	h := nginxHeader{}
	pos := 0
	for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
		pos++
	}
	h.connID, h.msgStart = parseConnID(line, pos)
	return h
}

// hasStrictNginxHeader reports whether line starts a new nginx record: a
// `[level] ` header that also carries `PID#TID: ` or a date. FastCGI stderr
// continuation lines are raw application output and do not.
func hasStrictNginxHeader(line []byte) bool {
	h := locateNginxHeader(line)
	return h.found && h.strict
}

func isPrefixSeparator(c byte) bool {
	return c == ' ' || c == '\t' || c == '|' || c == ':'
}

// matchLevel returns the length of the level word if b starts with
// `level] `, otherwise 0.
func matchLevel(b []byte) int {
	if len(b) < len("info] ") {
		return 0
	}
	var level string
	switch b[0] {
	case 'e':
		level = "error] "
		if b[1] == 'm' {
			level = "emerg] "
		}
	case 'w':
		level = "warn] "
	case 'c':
		level = "crit] "
	case 'a':
		level = "alert] "
	case 'n':
		level = "notice] "
	case 'i':
		level = "info] "
	case 'd':
		level = "debug] "
	default:
		return 0
	}
	if logparse.HasPrefix(b, level) {
		return len(level) - 2
	}
	return 0
}

// hasDateBefore reports whether `YYYY/MM/DD HH:MM:SS ` ends right before
// line[i].
func hasDateBefore(line []byte, i int) bool {
	const dateLen = len("2006/01/02 15:04:05 ")
	if i < dateLen {
		return false
	}
	d := line[i-dateLen : i]
	return d[4] == '/' && d[7] == '/' && d[10] == ' ' && d[13] == ':' &&
		d[16] == ':' && d[19] == ' ' && logparse.IsDigit(d[0]) && logparse.IsDigit(d[18])
}

// skipPIDTID skips `PID#TID: ` at line[pos:].
func skipPIDTID(line []byte, pos int) (int, bool) {
	p := logparse.SkipDigits(line, pos)
	if p == pos || p >= len(line) || line[p] != '#' {
		return pos, false
	}
	q := logparse.SkipDigits(line, p+1)
	if q == p+1 || q+1 >= len(line) || line[q] != ':' || line[q+1] != ' ' {
		return pos, false
	}
	return q + 2, true
}

// parseConnID parses `*N ` at line[pos:].
func parseConnID(line []byte, pos int) (uint64, int) {
	if pos >= len(line) || line[pos] != '*' {
		return 0, pos
	}
	end := logparse.SkipDigits(line, pos+1)
	if end == pos+1 || end >= len(line) || line[end] != ' ' {
		return 0, pos
	}
	id, _ := logparse.ParseUint(line[pos+1 : end])
	return id, end + 1
}
