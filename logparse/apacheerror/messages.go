package apacheerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// The messages of mod_proxy, mod_proxy_http, mod_proxy_fcgi,
// mod_proxy_balancer and mod_ssl (proxy side) that report an upstream
// failure, matched by their text so that 2.2 (no AH codes, `proxy: `
// prefix) and 2.4 lines read alike.

// verdict is what a message says.
type verdict struct {
	known    bool // an upstream failure, or a message of these modules
	cause    cause.Cause
	status   int    // what the client got: 503 connect, 502 read, 504 timeout; 0 unknown
	upstream []byte // host:port, a unix socket's path, balancer name …
	unix     bool   // upstream is a unix socket's path: the label is `unix:` and the path
	verify   bool   // an SSL verification failure: the next handshake failure is tls_verify_failed

	statusLine bool // AH01102: the AH00898 `Error reading from remote server` that follows repeats it
	remoteRead bool // AH00898 `Error reading from remote server`

	headerLine    bool // AH10124/AH10404: the AH01106 that follows repeats it
	headerSummary bool // AH01106 `bad HTTP/1.1 header returned by`
}

func failure(c cause.Cause, status int, upstream []byte) verdict {
	return verdict{known: true, cause: c, status: status, upstream: upstream}
}

var ignored = verdict{known: true}

// APR status codes that Apache prints as `(N)text`.
const (
	aprTimeup = 70007 // The timeout specified has expired
	aprEOF    = 70014 // End of file found
)

// classify decides what the message msg says, given the header.
func classify(msg []byte, h *apacheHeader) verdict {
	if logparse.HasPrefix(msg, "proxy: ") { // 2.2
		msg = msg[len("proxy: "):]
	}
	msg = skipScheme(msg)
	if len(msg) == 0 {
		return verdict{}
	}
	if v, ok := headerMessage(msg, h); ok {
		return v
	}
	switch msg[0] {
	case 'a':
		if rest, ok := cutPrefix(msg, "attempt to connect to "); ok {
			return connectFailure(rest, h)
		}
		if rest, ok := cutPrefix(msg, "ap_proxy_connect_backend disabling worker for ("); ok {
			return failure(cause.MarkedDown, 0, upTo(rest, ')'))
		}
	case 'd':
		if rest, ok := cutPrefix(msg, "disabled connection for ("); ok {
			return failure(cause.NoLiveUpstreams, 503, upTo(rest, ')'))
		}
	case 'f':
		if logparse.HasPrefix(msg, "failed to make connection to backend: ") {
			return ignored // the `attempt to connect` line before it has the cause
		}
	case 'e':
		if rest, ok := cutPrefix(msg, "error reading status line from remote server "); ok {
			v := readFailure(h, firstWord(rest))
			v.statusLine = true
			return v
		}
	case 'E':
		if logparse.HasPrefix(msg, "Error reading from remote server") {
			v := readFailure(h, nil)
			v.remoteRead = true
			return v
		}
		if logparse.HasPrefix(msg, "Error during SSL Handshake with remote server") {
			return failure(cause.TLSHandshakeFailed, 500, nil) // 2.4.71 answers 500
		}
	case 'D':
		if rest, ok := cutPrefix(msg, "DNS lookup failure for: "); ok {
			if len(h.module) > 0 {
				return failure(cause.DNSFailure, 500, firstWord(rest)) // 2.4.71 answers 500
			}
			return failure(cause.DNSFailure, 502, firstWord(rest))
		}
	case 'p':
		if rest, ok := cutPrefix(msg, "pass request body failed to "); ok {
			if bytes.Contains(rest, []byte(") from ")) {
				return ignored // AH01097, mod_proxy_http's summary of the AH01084 before it
			}
			switch h.errno {
			case 0, 104, 32:
				return failure(cause.ConnectionReset, 502, firstWord(rest))
			case aprTimeup, 110:
				return failure(cause.SendTimeout, 502, firstWord(rest))
			}
			return ignored // `(502)Unknown error 502`: a TLS failure, told by its own line
		}
	case 'G':
		if logparse.HasPrefix(msg, "Got error '") && string(h.module) != "ssl" {
			return failure(cause.FastCGIStderr, 0, nil) // mod_proxy_fcgi: the app's stderr
		}
		if logparse.HasPrefix(msg, "Got bogus version") {
			return failure(cause.ProtocolError, 503, nil) // 2.4.71 answers 503 (AH01075 follows)
		}
	case 'F':
		if logparse.HasPrefix(msg, "Failed to read FastCGI header") {
			return readFailure(h, nil)
		}
	case 'C':
		if logparse.HasPrefix(msg, "Certificate Verification: Error") && len(h.remote) > 0 {
			return verdict{known: true, verify: true}
		}
	case 'S':
		if logparse.HasPrefix(msg, "SSL Proxy: Peer certificate") {
			return verdict{known: true, verify: true}
		}
	}
	if len(h.module) == 0 || logparse.HasPrefix(h.module, "proxy") {
		if i := bytes.Index(msg, []byte("All workers are in error state")); i >= 0 {
			return failure(cause.NoLiveUpstreams, 503, balancerName(msg[:i]))
		}
	}
	if h.found && (logparse.HasPrefix(h.module, "proxy") || string(h.module) == "ssl") {
		return ignored
	}
	return verdict{}
}

// connectFailure reads `HOST:PORT (NAME) failed` or `Unix domain socket
// /path (NAME) failed` and takes the cause from the errno.
func connectFailure(rest []byte, h *apacheHeader) verdict {
	c := connectCause(h.errno)
	if c == cause.None {
		return ignored
	}
	if p, ok := cutPrefix(rest, "Unix domain socket "); ok {
		v := failure(c, 503, firstWord(p))
		v.unix = true
		return v
	}
	return failure(c, 503, firstWord(rest))
}

// connectCause maps the errno of a failed connect.
func connectCause(errno int) cause.Cause {
	switch errno {
	case 111:
		return cause.ConnectionRefused
	case 110, aprTimeup:
		return cause.ConnectTimeout
	case 113, 112:
		return cause.HostUnreachable
	case 101:
		return cause.NetworkUnreachable
	case 13:
		return cause.PermissionDenied
	case 2:
		return cause.SocketNotFound
	case 99:
		return cause.LocalAddressUnavailable
	case 11:
		return cause.BacklogFull
	case 24, 23:
		return cause.ProxyResourceExhausted
	case 104:
		return cause.ConnectionReset
	}
	return cause.None
}

// readFailure classifies a failure reading the response: a timeout, a reset,
// or (no errno, end of file, `(20014)Internal error`) a premature close. All
// are 502: Apache 2.4.71 answers a ProxyTimeout with 502, not 504.
func readFailure(h *apacheHeader, upstream []byte) verdict {
	switch h.errno {
	case aprTimeup, 110:
		return failure(cause.ReadTimeout, 502, upstream)
	case 104, 32:
		return failure(cause.ConnectionReset, 502, upstream)
	}
	return failure(cause.PrematureClose, 502, upstream)
}

// skipScheme skips `HTTP: `, `HTTPS: `, `FCGI: `, `http: ` … (a short word
// of letters and ": ").
func skipScheme(msg []byte) []byte {
	i := 0
	for i < len(msg) && i < 10 && (isUpper(msg[i]) || msg[i] >= 'a' && msg[i] <= 'z') {
		i++
	}
	if i >= 2 && logparse.HasPrefix(msg[i:], ": ") {
		return msg[i+2:]
	}
	return msg
}

func cutPrefix(b []byte, s string) ([]byte, bool) {
	if logparse.HasPrefix(b, s) {
		return b[len(s):], true
	}
	return nil, false
}

// firstWord returns b up to the first space or ',' (the end when none).
func firstWord(b []byte) []byte {
	for i, c := range b {
		if c == ' ' || c == ',' {
			return b[:i]
		}
	}
	return b
}

// upTo returns b up to the first c; nil when there is none (a cut line).
func upTo(b []byte, c byte) []byte {
	if i := bytes.IndexByte(b, c); i > 0 {
		return b[:i]
	}
	return nil
}

// balancerName finds `balancer://NAME` before the message.
func balancerName(b []byte) []byte {
	i := bytes.Index(b, []byte("balancer://"))
	if i < 0 {
		return nil
	}
	name := b[i+len("balancer://"):]
	for j, c := range name {
		if c == ':' || c == ')' || c == '/' || c == ' ' || c == '.' && j+1 < len(name) && name[j+1] == ' ' {
			return name[:j]
		}
	}
	return name
}
