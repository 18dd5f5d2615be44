package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// The errno NUMBER decides, never the strerror text: glibc and musl word it
// differently ("Connection timed out" / "Operation timed out", "Network is
// unreachable" / "Network unreachable"). Linux numbers first; the BSD numbers
// (FreeBSD, macOS builds of nginx) do not collide with any errno that
// connect() or recv() returns on Linux.
const (
	errnoENOENT        = 2
	errnoEAGAIN        = 11
	errnoEACCES        = 13
	errnoENFILE        = 23
	errnoEMFILE        = 24
	errnoEPIPE         = 32
	errnoEPERM         = 1
	errnoEAFNOSUPPORT  = 97
	errnoEADDRNOTAVAIL = 99
	errnoENETDOWN      = 100
	errnoENETUNREACH   = 101
	errnoECONNRESET    = 104
	errnoETIMEDOUT     = 110
	errnoECONNREFUSED  = 111
	errnoEHOSTDOWN     = 112
	errnoEHOSTUNREACH  = 113

	bsdEAGAIN        = 35
	bsdEADDRNOTAVAIL = 49
	bsdENETDOWN      = 50
	bsdENETUNREACH   = 51
	bsdECONNRESET    = 54
	bsdETIMEDOUT     = 60
	bsdECONNREFUSED  = 61
	bsdEHOSTDOWN     = 64
	bsdEHOSTUNREACH  = 65
)

// connectErrnoCause maps the errno of a failed connect() (causes.md §3.1).
func connectErrnoCause(errno int) cause.Cause {
	switch errno {
	case errnoECONNREFUSED, bsdECONNREFUSED:
		return cause.ConnectionRefused
	case errnoEHOSTUNREACH, errnoEHOSTDOWN, bsdEHOSTUNREACH, bsdEHOSTDOWN:
		return cause.HostUnreachable
	case errnoENETUNREACH, errnoENETDOWN, bsdENETUNREACH, bsdENETDOWN, errnoEAFNOSUPPORT:
		return cause.NetworkUnreachable
	case errnoETIMEDOUT, bsdETIMEDOUT:
		return cause.ConnectTimeout
	case errnoEADDRNOTAVAIL, bsdEADDRNOTAVAIL:
		return cause.LocalAddressUnavailable
	case errnoENOENT:
		return cause.SocketNotFound
	case errnoEACCES, errnoEPERM:
		return cause.PermissionDenied
	case errnoEAGAIN, bsdEAGAIN: // Linux: unix socket accept queue full
		return cause.BacklogFull
	case errnoECONNRESET, bsdECONNRESET:
		return cause.ConnectionReset
	}
	return cause.None
}

// ioErrnoCause maps the errno of a failed recv()/readv()/writev()/send()/
// sendfile() on the upstream connection.
func ioErrnoCause(errno int, ph phase) cause.Cause {
	switch errno {
	case errnoECONNRESET, bsdECONNRESET, errnoEPIPE:
		return cause.ConnectionReset
	case errnoETIMEDOUT, bsdETIMEDOUT: // kernel retransmission timeout
		return timeoutCause(ph)
	case errnoECONNREFUSED, bsdECONNREFUSED, // asynchronous connect reported by the first read
		errnoEHOSTUNREACH, errnoEHOSTDOWN, bsdEHOSTUNREACH, bsdEHOSTDOWN,
		errnoENETUNREACH, errnoENETDOWN, bsdENETUNREACH, bsdENETDOWN:
		return connectErrnoCause(errno)
	}
	return cause.None
}

func isFDExhaustion(errno int) bool { return errno == errnoEMFILE || errno == errnoENFILE }

// findErrno finds the ` (N: ` errno part nginx appends (ngx_log_errno).
func findErrno(b []byte) (int, bool) {
	for from := 0; from < len(b); {
		i := bytes.IndexByte(b[from:], '(')
		if i < 0 {
			return 0, false
		}
		i += from
		from = i + 1
		end := logparse.SkipDigits(b, i+1)
		if end == i+1 || end-i-1 > 5 || end >= len(b) || b[end] != ':' {
			continue
		}
		n, _ := logparse.ParseUint(b[i+1 : end])
		return int(n), true
	}
	return 0, false
}

var (
	syscallFailed = []byte("() failed")
	connectTo     = []byte("connect() to ")
	failedMarker  = []byte(" failed (")
)

// classifySyscall handles `NAME() failed (N: …)`, `connect() to X failed
// (N: …)` and `kevent()/epoll_wait() reported that …`. ok is false when the
// message is not a system or library call failure.
func (m *nginxMessage) classifySyscall() (nginxVerdict, bool) {
	msg := m.msg
	paren := bytes.IndexByte(msg[:min(len(msg), 24)], '(')
	if paren <= 0 || paren+1 >= len(msg) || msg[paren+1] != ')' {
		return verdictUnknown, false
	}
	name := msg[:paren]
	switch string(name) {
	case "connect":
		return m.connectFailure(), true
	case "kevent", "epoll_wait":
		if bytes.Contains(msg, []byte("reported that connect() failed")) {
			return m.connectFailure(), true
		}
		return verdictNone, true
	case "recv", "recvmsg", "recvfrom", "read", "readv",
		"send", "sendmsg", "sendto", "sendfile", "write", "writev",
		"SSL_read", "SSL_write", "SSL_shutdown":
		return m.ioFailure(name), true
	case "SSL_do_handshake":
		return m.upstreamTLS(cause.TLSHandshakeFailed), true
	case "socket":
		return m.fdFailure(), true
	case "accept", "accept4":
		if errno, ok := findErrno(msg); ok && isFDExhaustion(errno) {
			return failure(cause.ProxyResourceExhausted, 0), true
		}
		return verdictNone, true
	}
	if !bytes.HasPrefix(msg[paren:], syscallFailed) && !bytes.Contains(msg[:min(len(msg), 200)], failedMarker) {
		return verdictUnknown, false
	}
	return verdictNone, true // open(), stat(), setsockopt() … failures
}

// connectFailure classifies a failed connect() by its errno. It is an
// upstream failure only while connecting to upstream (or with no action, as
// from a Lua timer); under "resolving" it is the resolver's own connection,
// under other actions (syslog, OCSP) it is not an upstream at all.
func (m *nginxMessage) connectFailure() nginxVerdict {
	m.parse()
	switch m.phase {
	case phaseResolve:
		return failure(cause.DNSFailure, 0)
	case phaseOther:
		return verdictNone
	}
	errno, ok := findErrno(m.text)
	if !ok {
		return verdictNone
	}
	c := connectErrnoCause(errno)
	if c == cause.None {
		return verdictNone
	}
	v := failure(c, 502)
	if logparse.HasPrefix(m.text, string(connectTo)) {
		rest := m.text[len(connectTo):]
		if end := bytes.Index(rest, failedMarker); end >= 0 {
			v.upstream = rest[:end] // fallback when the upstream: field is missing
		}
	}
	return v
}

// ioFailure classifies a failed read or write on a connection. The client
// connection logs these at [info] (NGX_ERROR_INFO), the upstream one at
// [error]; the action says which phase.
func (m *nginxMessage) ioFailure(name []byte) nginxVerdict {
	m.parse()
	if m.phase == phaseResolve {
		return failure(cause.DNSFailure, 0)
	}
	if string(m.level) == "info" || m.phase == phaseOther || m.phase == phaseUnknown {
		return verdictNone
	}
	errno, ok := findErrno(m.text)
	var c cause.Cause
	switch {
	case ok:
		c = ioErrnoCause(errno, m.phase)
	case logparse.HasPrefix(name, "SSL_") && bytes.Contains(m.text, []byte("unexpected eof")):
		// OpenSSL 3 reports a close without close_notify this way.
		c = cause.PrematureClose
	}
	if c == cause.None {
		return verdictNone
	}
	return failure(c, m.status(false))
}

// fdFailure classifies a failed socket(): out of file descriptors is
// proxy_resource_exhausted; 97 (no IPv6 in the kernel) is network_unreachable.
// While connecting to upstream the request ends with 500
// (ngx_event_connect_peer returned NGX_ERROR).
func (m *nginxMessage) fdFailure() nginxVerdict {
	m.parse()
	errno, ok := findErrno(m.text)
	if !ok || m.phase == phaseOther {
		return verdictNone
	}
	status := 0
	if m.phase == phaseConnect {
		status = 500
	}
	switch {
	case isFDExhaustion(errno):
		return failure(cause.ProxyResourceExhausted, status)
	case errno == errnoEAFNOSUPPORT && m.phase == phaseConnect:
		return failure(cause.NetworkUnreachable, status)
	}
	return verdictNone
}
