// Package apacheerror has one job: classifying the lines of an Apache httpd
// error log (mod_proxy and its modules, 2.4 and 2.2 formats) into logparse
// events with the causes of causes.md §3: which backend failed, why, and
// what the client got.
package apacheerror

import (
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Parser classifies the lines of one Apache error log. Its state: how many
// AH01102 lines wait for the AH00898 that repeats them, and an SSL
// verification failure of the proxy connection (mod_ssl,
// `[remote …] … Certificate Verification: Error`, `SSL Proxy: Peer
// certificate …`), which makes the `Error during SSL Handshake with remote
// server` line that follows it tls_verify_failed rather than
// tls_handshake_failed. Use one per source; not safe for concurrent use. The
// zero value is ready to use.
//
// Decisions (Apache has no row in causes.md; its messages are mapped to the
// nginx causes they mean):
//   - `AH00957 attempt to connect to HOST:PORT (NAME) failed` carries the
//     cause of a failed connect, from its `(errno)`; status 503, as mod_proxy
//     answers. `AH01114 failed to make connection to backend` that follows it
//     for the same request is ignored (it would count the failure twice), and
//     so is a connect failure with an errno this taxonomy does not know;
//   - `AH00959 … disabling worker for (HOST)` is marked_down; `AH00940
//     disabled connection for (HOST)` (a worker in its retry period) and
//     `All workers are in error state` (balancer) are no_live_upstreams, 503;
//   - `AH01102 error reading status line from remote server` and `AH00898
//     Error reading from remote server`: read_timeout with `(70007)`,
//     connection_reset with `(104)`, premature_close otherwise; 502 (what
//     2.4.71 answers, timeouts included). Apache writes AH00898 right after
//     AH01102 for the same request: that AH00898 is ignored (a lone one
//     counts);
//   - `AH01084 pass request body failed`: connection_reset with `(104)`,
//     `(32)` or no errno, send_timeout with `(70007)`; with another errno
//     (`(20014)`, an SSL failure told by its own line) and as AH01097 (`…
//     from CLIENT`, mod_proxy_http's summary of AH01084) it is ignored;
//   - `AH00898 Error during SSL Handshake with remote server`:
//     tls_handshake_failed, 500 (what 2.4.71 answers);
//   - `AH01071 Got error '…'` (mod_proxy_fcgi, the app's stderr):
//     fastcgi_stderr, status unknown (0) as for nginx;
//   - `AH10124 header size is over the limit` is header_too_big, `AH10404
//     Error reading headers from backend` invalid_header (or the read
//     failure its errno says), 502; the `AH01106 bad HTTP/1.1 header` that
//     follows is ignored, a lone one is invalid_header (headers.go);
//   - `AH00898 DNS lookup failure for: HOST`: dns_failure, 500 (what 2.4.71
//     answers; 502 for 2.2 lines);
//   - tls_verify_failed takes the `[remote HOST:PORT]` of the verification
//     failure's line as its upstream.
type Parser struct {
	ev           logparse.Event
	verifyFailed bool
	statusLines  int    // AH01102 lines whose AH00898 repeat has not come yet
	headerLines  int    // AH10124/AH10404 lines whose AH01106 repeat has not come yet
	unix         []byte // `unix:` and a socket's path
	verifyPeer   []byte // the `[remote HOST:PORT]` of the SSL verification failure
}

// maxPendingStatusLines bounds statusLines, so that a version that writes
// no AH00898 after AH01102 cannot make later lone AH00898 lines ignored for
// long.
const maxPendingStatusLines = 8

// Parse classifies one line (without its '\n'; a trailing '\r' is
// tolerated) and calls emit for an upstream failure. It returns
// ResultClassified for a failure, ResultIgnored for other lines with an
// Apache header, ResultUnrecognized otherwise. The event's slices point into
// line and are valid only during emit.
func (p *Parser) Parse(line []byte, emit logparse.EmitFunc) logparse.Result {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	h := locateHeader(line)
	v := classify(line[h.msg:], &h)
	if v.verify {
		p.verifyFailed = true
		p.verifyPeer = append(p.verifyPeer[:0], h.remote...)
	}
	switch {
	case v.statusLine:
		if p.statusLines < maxPendingStatusLines {
			p.statusLines++
		}
	case v.remoteRead && p.statusLines > 0:
		p.statusLines--
		return logparse.ResultIgnored // the AH01102 line before it counted this failure
	case v.headerLine:
		if p.headerLines < maxPendingStatusLines {
			p.headerLines++
		}
	case v.headerSummary && p.headerLines > 0:
		p.headerLines--
		return logparse.ResultIgnored // the AH10124/AH10404 line before it counted this failure
	}
	if v.unix {
		p.unix = append(append(p.unix[:0], "unix:"...), v.upstream...)
		v.upstream = p.unix
	}
	if v.cause == cause.None {
		if h.found || v.known {
			return logparse.ResultIgnored
		}
		return logparse.ResultUnrecognized
	}
	if v.cause == cause.TLSHandshakeFailed && p.verifyFailed {
		v.cause = cause.TLSVerifyFailed
		if len(v.upstream) == 0 && len(h.remote) == 0 {
			v.upstream = p.verifyPeer // the peer the verification failure named
		}
	}
	if v.cause == cause.TLSHandshakeFailed || v.cause == cause.TLSVerifyFailed {
		p.verifyFailed = false
		if len(v.upstream) == 0 {
			v.upstream = h.remote
		}
	}
	p.ev = logparse.Event{
		Proxy: logparse.ProxyApache, Cause: v.cause, Status: v.status, Lines: 1,
		Level: h.level, Upstream: v.upstream, Client: h.client,
	}
	if emit != nil {
		emit(&p.ev)
	}
	return logparse.ResultClassified
}

// Flush does nothing: every record is one line.
func (p *Parser) Flush(logparse.EmitFunc) {}

// LooksLike reports whether line has an Apache error-log header (a
// `[module:level]` or 2.2 `[level]` tag after an Apache date, or a
// `[module:level] [pid …]` pair): the test `classify --proxy=auto` uses. It
// allocates nothing and keeps no state.
func LooksLike(line []byte) bool {
	h := locateHeader(line)
	if !h.found {
		return false
	}
	return h.dated || len(h.module) > 0 && h.pid
}

// Summary is a copy-safe summary of a classified line, for one-shot use
// (tests, the `classify` command).
type Summary struct {
	Result   logparse.Result
	Cause    cause.Cause
	Status   int
	Level    string
	Upstream string
	Client   string
}

// ClassifyLine parses text (one line, or several separated by '\n') with a
// fresh parser and describes the first event.
func ClassifyLine(text string) Summary {
	var p Parser
	var s Summary
	for i, line := range strings.Split(text, "\n") {
		r := p.Parse([]byte(line), func(ev *logparse.Event) {
			if s.Cause == cause.None {
				s = Summary{Cause: ev.Cause, Status: ev.Status, Level: string(ev.Level), Upstream: string(ev.Upstream), Client: string(ev.Client)}
			}
		})
		if i == 0 || r == logparse.ResultClassified && s.Result != logparse.ResultClassified {
			s.Result = r
		}
	}
	return s
}
