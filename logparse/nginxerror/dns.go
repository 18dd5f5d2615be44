package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// configHostNotFound handles [emerg] `host not found in upstream "NAME" in
// FILE:LINE` (older releases print NAME without quotes).
func configHostNotFound(rest []byte) nginxVerdict {
	var name []byte
	if len(rest) > 0 && rest[0] == '"' {
		if end := bytes.IndexByte(rest[1:], '"'); end >= 0 {
			name = rest[1 : 1+end]
		} else {
			name = rest[1:]
		}
	} else {
		name = rest
		if end := bytes.Index(rest, []byte(" in ")); end >= 0 {
			name = rest[:end]
		}
	}
	v := failure(cause.ConfigHostNotFound, 0)
	v.upstream, v.ownUpstream = name, true
	return v
}

// classifyDNSMessage handles `HOST could not be resolved (N: …)` and
// `no resolver defined to resolve HOST`, from nginx itself and from modules.
// background: the message comes from a module's timer, no request waits.
func (m *nginxMessage) classifyDNSMessage(msg []byte, background bool) nginxVerdict {
	m.parse()
	text := m.text
	if off := len(m.msg) - len(msg); off > 0 && off <= len(text) {
		text = text[off:]
	}
	var host []byte
	if i := bytes.Index(text, []byte(msgCouldNotBeResolved)); i >= 0 {
		host = text[:i]
		if j := bytes.LastIndex(host, []byte(": ")); j >= 0 {
			host = host[j+2:] // another module's "name: " prefix
		}
	} else if logparse.HasPrefix(text, msgNoResolverDefined) {
		host = text[len(msgNoResolverDefined):]
	} else {
		return verdictNone
	}
	status := 502
	switch {
	case background:
		status = 0
	case m.contextFields().stream:
		status = 500 // ngx_stream_proxy_resolve_handler: NGX_STREAM_INTERNAL_SERVER_ERROR
	case !m.cut && !m.contextFields().hasClient:
		status = 0
	}
	v := failure(cause.DNSFailure, status)
	v.upstream, v.ownUpstream = trimQuotes(host), true
	return v
}
