package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Third-party modules: ngx_http_proxy_connect_module (forward proxy for
// CONNECT) and nginx-upstream-dynamic-servers (handled with the DNS messages).

// classifyProxyConnect handles ngx_http_proxy_connect_module messages
// (`proxy_connect: …`), which carry no upstream: field; the peer, when shown,
// is in `(peer:ADDR)`.
func (m *nginxMessage) classifyProxyConnect(rest []byte) nginxVerdict {
	m.parse()
	var v nginxVerdict
	switch {
	case logparse.HasPrefix(rest, "upstream connect failed"):
		errno, ok := findErrno(rest)
		if !ok {
			return verdictNone
		}
		c := connectErrnoCause(errno)
		if c == cause.None {
			return verdictNone
		}
		return failure(c, 502)
	case logparse.HasPrefix(rest, "upstream connect timed out"):
		v = failure(cause.ConnectTimeout, 504)
	case logparse.HasPrefix(rest, "upstream read timed out"):
		v = failure(cause.ReadTimeout, failureStatus(m.tunnelPhase(), true, false))
	case logparse.HasPrefix(rest, "upstream write timed out"):
		v = failure(cause.SendTimeout, failureStatus(m.tunnelPhase(), true, false))
	case logparse.HasPrefix(rest, "no live connection"):
		return failure(cause.NoLiveUpstreams, 502)
	case bytes.Contains(rest, []byte(msgCouldNotBeResolved)), logparse.HasPrefix(rest, msgNoResolverDefined):
		v = m.classifyDNSMessage(rest, false)
		if v.cause != cause.None {
			v.status = 502
		}
		return v
	default:
		return verdictNone
	}
	if i := bytes.Index(rest, []byte("(peer:")); i >= 0 {
		peer := rest[i+len("(peer:"):]
		if end := bytes.IndexByte(peer, ')'); end >= 0 {
			v.upstream, v.ownUpstream = peer[:end], true
		}
	}
	return v
}

// tunnelPhase: once the CONNECT tunnel is up the module's action is
// "proxying connection" and the client already has its 200.
func (m *nginxMessage) tunnelPhase() phase {
	if m.phase == phaseBody {
		return phaseBody
	}
	return phaseConnect
}
