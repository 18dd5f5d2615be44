package apacheerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// The header of an Apache httpd error-log line, 2.4 (default ErrorLogFormat)
// and 2.2:
//
//	[Wed Dec 02 14:53:06.123456 2026] [proxy:error] [pid 1234:tid 5678] (111)Connection refused: [client 127.0.0.1:5555] AH00957: …
//	[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] (111)Connection refused: proxy: HTTP: …
//
// behind whatever collector prefix (docker compose `svc-1  | `, RFC 3339
// stamps, CRI `stderr F `, kubectl/stern pod names, syslog headers) stands
// before it, as for nginx.

// maxPrefixLen bounds how far into a line the header is looked for.
const maxPrefixLen = 320

// apacheHeader is what the start of a line says.
type apacheHeader struct {
	found   bool   // a `[module:level]` or `[level]` tag was found
	dated   bool   // an Apache date stood before it
	pid     bool   // a `[pid …]` group followed it
	level   []byte // "error", "warn" …
	module  []byte // "proxy", "proxy_http", "ssl" …; empty in 2.2
	client  []byte // [client ADDR], port stripped
	remote  []byte // [remote ADDR:PORT]: the backend of an SSL proxy connection
	errno   int    // (N) of `(N)text: `; 0 when absent
	errText []byte // its text
	msg     int    // offset of the message (after any `AHnnnnn: `)
}

// locateHeader finds the level tag in the first maxPrefixLen bytes of line
// and reads the bracketed groups and the `(errno)text: ` around it.
func locateHeader(line []byte) apacheHeader {
	window := line
	if len(window) > maxPrefixLen {
		window = window[:maxPrefixLen]
	}
	dated := false
	for from := 0; from < len(window); {
		i := bytes.IndexByte(window[from:], '[')
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		if i > 0 && line[i-1] != ' ' && line[i-1] != '|' && line[i-1] != ':' {
			continue
		}
		end := bytes.IndexByte(window[i:], ']')
		if end < 0 {
			break
		}
		group := line[i+1 : i+end]
		if isApacheDate(group) {
			from, dated = i+end+1, true // the tag follows
			continue
		}
		module, level, ok := levelTag(group)
		if !ok {
			continue
		}
		h := apacheHeader{found: true, dated: dated, module: module, level: level}
		h.readGroups(line, i+end+1)
		return h
	}
	return apacheHeader{msg: len(line)}
}

// readGroups reads what follows the level tag: `[pid …]`, `[client …]`,
// `[remote …]`, `(N)text: ` in either order, then the message.
func (h *apacheHeader) readGroups(line []byte, p int) {
	for rounds := 0; rounds < 6; rounds++ {
		for p < len(line) && line[p] == ' ' {
			p++
		}
		if p >= len(line) {
			break
		}
		switch line[p] {
		case '[':
			end := bytes.IndexByte(line[p:], ']')
			if end > 0 && (logparse.HasPrefix(line[p+1:], "client [") || logparse.HasPrefix(line[p+1:], "remote [")) {
				if e := bytes.IndexByte(line[p+end+1:], ']'); e >= 0 {
					end += e + 1 // `[client [v6]:port]`
				}
			}
			if end < 0 {
				h.msg = len(line)
				return
			}
			g := line[p+1 : p+end]
			switch {
			case logparse.HasPrefix(g, "pid "):
				h.pid = true
			case logparse.HasPrefix(g, "client "):
				h.client = stripPort(g[len("client "):])
			case logparse.HasPrefix(g, "remote "):
				h.remote = g[len("remote "):]
			default:
				h.msg = p // a bracket of the message itself
				return
			}
			p += end + 1
			continue
		case '(':
			// `(111)Connection refused: `, or a resolver error (apr_strerror
			// of getaddrinfo's code): `(EAI 2)Name or service not known: `,
			// which is no errno (left 0).
			start := p + 1
			eai := logparse.HasPrefix(line[start:], "EAI ")
			if eai {
				start += len("EAI ")
			}
			q := logparse.SkipDigits(line, start)
			if q == start || q >= len(line) || line[q] != ')' {
				break
			}
			n, _ := logparse.ParseUint(line[start:q])
			colon := bytes.Index(line[q:], []byte(": "))
			if colon < 0 || n > 1<<30 {
				break
			}
			if eai {
				n = 0
			}
			h.errno, h.errText = int(n), line[q+1:q+colon]
			p = q + colon + 2
			continue
		}
		break
	}
	if p < len(line) && line[p] == 'A' && logparse.HasPrefix(line[p:], "AH") {
		if q := logparse.SkipDigits(line, p+2); q == p+7 && logparse.HasPrefix(line[q:], ": ") {
			p = q + 2
		}
	}
	h.msg = p
}

// isApacheDate matches `Www Mmm dd hh:mm:ss[.uuuuuu] yyyy`.
func isApacheDate(g []byte) bool {
	return len(g) >= 24 && g[3] == ' ' && g[7] == ' ' && g[13] == ':' && isUpper(g[0]) && isUpper(g[4])
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// levelTag splits `module:level` (2.4) or `level` (2.2).
func levelTag(g []byte) (module, level []byte, ok bool) {
	colon := bytes.IndexByte(g, ':')
	level = g
	if colon >= 0 {
		module, level = g[:colon], g[colon+1:]
		for _, c := range module {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
				return nil, nil, false
			}
		}
		if len(module) == 0 {
			return nil, nil, false
		}
	}
	switch string(level) {
	case "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug":
		return module, level, true
	}
	if logparse.HasPrefix(level, "trace") && len(level) == 6 && logparse.IsDigit(level[5]) {
		return module, level, true
	}
	return nil, nil, false
}

// stripPort removes `:port` from `ADDR:PORT` (`[::1]:5555` gives `::1`).
func stripPort(a []byte) []byte {
	for i := len(a) - 1; i > 0; i-- {
		if a[i] == ':' {
			if a[0] == '[' && a[i-1] == ']' {
				return a[1 : i-1]
			}
			if bytes.IndexByte(a[:i], ':') >= 0 && a[0] != '[' {
				return a // bare IPv6 without port
			}
			return a[:i]
		}
		if !logparse.IsDigit(a[i]) {
			break
		}
	}
	return a
}
