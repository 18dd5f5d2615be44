package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// nginxMessage is one message being classified: the text after the header,
// split on demand into the message text, the ` while ACTION` part and the
// context fields.
type nginxMessage struct {
	msg   []byte
	level []byte

	split   bool
	text    []byte // message without action and context fields
	action  []byte
	tail    []byte // context fields, from ", client: " on
	cut     bool   // no context fields found: the line may have been cut
	phase   phase
	parsedF bool
	fields  nginxFields
}

// parse splits the message into text, action and tail and reads the phase.
func (m *nginxMessage) parse() {
	if m.split {
		return
	}
	m.split = true
	t := findTail(m.msg)
	m.tail = m.msg[t:]
	m.cut = t == len(m.msg)
	m.text, m.action = splitAction(m.msg[:t])
	if m.cut {
		// A line cut inside ", client: " leaves a piece of it behind the
		// action; actions never contain ", ".
		if i := bytes.Index(m.action, []byte(", ")); i >= 0 {
			m.action = m.action[:i]
		} else if n := len(m.action); n > 0 && m.action[n-1] == ',' {
			m.action = m.action[:n-1]
		}
	}
	m.phase = parsePhase(m.action, m.cut)
}

// contextFields parses the context fields; only upstream failures need them.
func (m *nginxMessage) contextFields() *nginxFields {
	m.parse()
	if !m.parsedF {
		m.parsedF = true
		m.fields = parseNginxFields(m.tail)
	}
	return &m.fields
}

// status is the failure status in the message's phase.
func (m *nginxMessage) status(timeout bool) int {
	m.parse()
	return failureStatus(m.phase, timeout, m.contextFields().stream)
}

// nginxVerdict is the decision about one message.
type nginxVerdict struct {
	known       bool        // a message nginx or a known module writes
	cause       cause.Cause // cause.None: not an upstream failure
	status      int
	upstream    []byte // the upstream the message itself names
	ownUpstream bool   // use upstream instead of the upstream: field
	fastcgiHead bool   // `FastCGI sent in stderr: "` starts a record
}

var (
	verdictUnknown = nginxVerdict{}
	verdictNone    = nginxVerdict{known: true}
)

func failure(c cause.Cause, status int) nginxVerdict {
	return nginxVerdict{known: true, cause: c, status: status}
}

// Third-party modules prefix their messages with their name.
const (
	prefixProxyConnect      = "proxy_connect: "
	prefixProxyConnectTypo  = "proxy_connet: " // sic, kqueue branch of the module
	prefixDynamicServers    = "upstream-dynamic-servers: "
	msgFastCGIStderr        = "FastCGI sent in stderr: \""
	msgCouldNotBeResolved   = " could not be resolved ("
	msgNoResolverDefined    = "no resolver defined to resolve "
	msgHostNotFoundUpstream = "host not found in upstream "
)

// classify decides what the message is. It dispatches on the first bytes of
// the message, so lines that are not upstream failures cost a few compares.
func (m *nginxMessage) classify() nginxVerdict {
	msg := m.msg
	if len(msg) == 0 {
		return verdictUnknown
	}
	switch msg[0] {
	case 'u':
		if logparse.HasPrefix(msg, "upstream ") {
			return m.classifyUpstreamMessage(msg[len("upstream "):])
		}
		if logparse.HasPrefix(msg, prefixDynamicServers) {
			return m.classifyDNSMessage(msg[len(prefixDynamicServers):], true)
		}
		if logparse.HasPrefix(msg, "unexpected DNS response for ") {
			v := failure(cause.DNSFailure, 0)
			m.parse()
			// m.text can be shorter than msg's prefix: " while " may start
			// inside it.
			name, _ := bytes.CutPrefix(m.text, []byte("unexpected DNS response for "))
			v.upstream, v.ownUpstream = trimQuotes(name), true
			return v
		}
	case 'F':
		if logparse.HasPrefix(msg, msgFastCGIStderr) {
			return nginxVerdict{known: true, cause: cause.FastCGIStderr, fastcgiHead: true}
		}
	case 'n':
		if logparse.HasPrefix(msg, "no live upstreams") {
			return failure(cause.NoLiveUpstreams, 502)
		}
		if logparse.HasPrefix(msg, msgNoResolverDefined) {
			return m.classifyDNSMessage(msg, false)
		}
	case 'h':
		if logparse.HasPrefix(msg, msgHostNotFoundUpstream) {
			return configHostNotFound(msg[len(msgHostNotFoundUpstream):])
		}
	case 'p':
		if logparse.HasPrefix(msg, "peer closed connection in SSL handshake") {
			return m.upstreamTLS(cause.TLSHandshakeFailed)
		}
		if logparse.HasPrefix(msg, prefixProxyConnect) {
			return m.classifyProxyConnect(msg[len(prefixProxyConnect):])
		}
		if logparse.HasPrefix(msg, prefixProxyConnectTypo) {
			return m.classifyProxyConnect(msg[len(prefixProxyConnectTypo):])
		}
	case '[':
		if logparse.HasPrefix(msg, "[lua] ") {
			return verdictNone
		}
	case 'c':
		if logparse.HasPrefix(msg, "client ") {
			return verdictNone
		}
	case 'a':
		if logparse.HasPrefix(msg, "an upstream response is buffered") {
			return verdictNone
		}
	case 'l':
		if logparse.HasPrefix(msg, "limiting ") {
			return verdictNone
		}
	}
	if logparse.IsDigit(msg[0]) && logparse.HasPrefix(msg[logparse.SkipDigits(msg, 0):], " worker_connections are not enough") {
		return m.resourceExhausted()
	}
	if msg[0] == 'w' && logparse.HasPrefix(msg, "worker_connections are not enough") { // pasted without its count
		return m.resourceExhausted()
	}
	if v, ok := m.classifySyscall(); ok {
		return v
	}
	if bytes.Contains(msg, []byte(msgCouldNotBeResolved)) {
		return m.classifyDNSMessage(msg, false)
	}
	return verdictUnknown
}

// classifyUpstreamMessage handles messages starting with "upstream ".
func (m *nginxMessage) classifyUpstreamMessage(rest []byte) nginxVerdict {
	switch {
	case logparse.HasPrefix(rest, "timed out"):
		m.parse()
		return failure(timeoutCause(m.phase), failureStatus(m.timeoutPhase(), true, m.contextFields().stream))
	case logparse.HasPrefix(rest, "prematurely closed "):
		m.parse()
		return failure(cause.PrematureClose, m.status(false))
	case logparse.HasPrefix(rest, "prematurely sent response"):
		// https upstream that spoke before the TLS handshake: not TLS at all.
		return failure(cause.ProtocolError, 502)
	case logparse.HasPrefix(rest, "sent "):
		return m.classifyUpstreamSent(rest[len("sent "):])
	case logparse.HasPrefix(rest, "rejected request with error"), logparse.HasPrefix(rest, "violated "):
		m.parse()
		return failure(cause.ProtocolError, m.status(false))
	case logparse.HasPrefix(rest, "server temporarily disabled"):
		return failure(cause.MarkedDown, 0)
	case logparse.HasPrefix(rest, "SSL certificate verify error"), logparse.HasPrefix(rest, "SSL certificate does not match"):
		return failure(cause.TLSVerifyFailed, 502)
	}
	return verdictNone
}

// classifyUpstreamSent handles "upstream sent …" (proxy, fastcgi, grpc and
// upstream core). Warnings about data that nginx ignores are not failures.
func (m *nginxMessage) classifyUpstreamSent(what []byte) nginxVerdict {
	m.parse()
	switch {
	case logparse.HasPrefix(what, "too big header"):
		return failure(cause.HeaderTooBig, 502)
	case logparse.HasPrefix(what, "no valid HTTP/1.0 header"):
		// Passed through as HTTP/0.9: nginx sends the bytes without a status
		// line (access log "009", $upstream_status 200), so no 5xx.
		return failure(cause.ProtocolError, 0)
	case logparse.HasPrefix(what, "duplicate header line"):
		if m.duplicateHeaderIsError(what) {
			return failure(cause.InvalidHeader, m.status(false))
		}
		return verdictNone
	case logparse.HasPrefix(what, "too big early hints"),
		logparse.HasPrefix(what, "more data than specified"),
		logparse.HasPrefix(what, "data after "):
		return verdictNone
	case logparse.HasPrefix(what, "invalid header"),
		logparse.HasPrefix(what, "invalid status"),
		logparse.HasPrefix(what, "invalid \"Content-Length\""),
		logparse.HasPrefix(what, "invalid :status"),
		logparse.HasPrefix(what, "unexpected :status"),
		logparse.HasPrefix(what, "no :status"),
		logparse.HasPrefix(what, "duplicate :status"),
		logparse.HasPrefix(what, "invalid trailer"),
		logparse.HasPrefix(what, "trailer without"),
		logparse.HasPrefix(what, "too big trailers"),
		logparse.HasPrefix(what, "unknown \"Transfer-Encoding\""),
		logparse.HasPrefix(what, "\"Content-Length\" and \"Transfer-Encoding\""),
		logparse.HasPrefix(what, "HTTP/1.0 response with early hints"):
		return failure(cause.InvalidHeader, m.status(false))
	}
	if isQuietLevel(m.level) {
		return verdictNone
	}
	// invalid chunked response, unexpected/invalid/unsupported FastCGI
	// records, HTTP/2 framing errors of grpc_pass/proxy_pass http2.
	return failure(cause.ProtocolError, m.status(false))
}

// duplicateHeaderIsError tells the [error] form (duplicate Content-Length or
// Transfer-Encoding: the response is rejected) from the [warn] form
// ("…, ignored": the header is dropped, the response goes on).
func (m *nginxMessage) duplicateHeaderIsError(what []byte) bool {
	switch string(m.level) {
	case "error", "crit", "alert", "emerg":
		return true
	case "warn", "notice", "info", "debug":
		return false
	}
	if bytes.Contains(m.text, []byte(", ignored")) || bytes.Contains(m.text, []byte("ignoring")) {
		return false
	}
	return bytes.Contains(what, []byte(": \"Content-Length:")) || bytes.Contains(what, []byte(": \"Transfer-Encoding:"))
}

func isQuietLevel(level []byte) bool {
	switch string(level) {
	case "warn", "notice", "info", "debug":
		return true
	}
	return false
}

// upstreamTLS classifies a TLS handshake failure: only the upstream
// connection's handshake counts (downstream lines say "while SSL handshaking").
func (m *nginxMessage) upstreamTLS(c cause.Cause) nginxVerdict {
	m.parse()
	if m.phase != phaseUpstreamTLS {
		return verdictNone
	}
	return failure(c, 502)
}

// resourceExhausted handles "N worker_connections are not enough" and
// fd exhaustion: 500 when it hit the upstream connect, no status otherwise
// (an accepted client connection is just closed).
func (m *nginxMessage) resourceExhausted() nginxVerdict {
	m.parse()
	if m.phase == phaseConnect {
		return failure(cause.ProxyResourceExhausted, 500)
	}
	return failure(cause.ProxyResourceExhausted, 0)
}
