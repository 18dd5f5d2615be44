package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
)

// phase is where in the life of a proxied request a failure happened, read
// from the ` while ACTION` part of the line (c->log->action).
type phase uint8

const (
	phaseUnknown     phase = iota // no action shown (fragment, cut line, timer context)
	phaseConnect                  // connecting to upstream
	phaseUpstreamTLS              // SSL handshaking to upstream
	phaseSend                     // sending request to upstream
	phaseHeader                   // reading response header from upstream
	phaseBody                     // reading upstream: the status line was already sent
	phaseUpgraded                 // proxying upgraded connection (WebSocket)
	phaseResolve                  // resolving (the resolver's own connection)
	phaseOther                    // a client-side or unrelated action
)

type knownAction struct {
	text  string
	phase phase
}

// knownActions lists the actions set by the http, stream, mail and
// proxy_connect modules that matter here. Anything else is phaseOther.
var knownActions = [...]knownAction{
	{"connecting to upstream", phaseConnect},
	{"SSL handshaking to upstream", phaseUpstreamTLS},
	{"sending request to upstream", phaseSend},
	{"reading response header from upstream", phaseHeader},
	{"reading upstream", phaseBody},
	{"proxying upgraded connection", phaseUpgraded},
	{"resolving", phaseResolve},
	{"sending to client", phaseOther},
	{"SSL handshaking", phaseOther},
	{"reading client request headers", phaseOther},
	{"reading client request line", phaseOther},
	{"reading client pipelined request line", phaseOther},
	{"waiting for request", phaseOther},
	{"closing request", phaseOther},
	{"logging request", phaseOther},
	{"keepalive", phaseOther},
	// stream and mail proxy
	{"proxying and reading from upstream", phaseBody},
	{"proxying and sending to upstream", phaseBody},
	{"proxying and reading from client", phaseOther},
	{"proxying and sending to client", phaseOther},
	{"proxying connection", phaseBody},
	{"reading response from upstream", phaseHeader},
}

// parsePhase maps an action to a phase. cut says the action may have been
// cut by the line limit: a unique prefix then still counts.
func parsePhase(action []byte, cut bool) phase {
	action = trimModuleSuffix(action)
	if len(action) == 0 {
		return phaseUnknown
	}
	if !cut {
		switch string(action) { // the common ones, without a scan
		case "connecting to upstream":
			return phaseConnect
		case "reading response header from upstream":
			return phaseHeader
		case "sending request to upstream":
			return phaseSend
		case "reading upstream":
			return phaseBody
		}
		for _, a := range knownActions {
			if string(action) == a.text {
				return a.phase
			}
		}
	} else {
		// The action may be cut short: every action it can be the start of
		// must agree on the phase.
		found := phaseUnknown
		for _, a := range knownActions {
			if len(action) <= len(a.text) && a.text[:len(action)] == string(action) {
				if found != phaseUnknown && found != a.phase {
					return phaseUnknown
				}
				found = a.phase
			}
		}
		if found != phaseUnknown {
			return found
		}
	}
	// mail proxy: "sending user name to upstream", "sending AUTH to upstream" …
	if bytes.HasPrefix(action, []byte("sending ")) && bytes.HasSuffix(action, []byte(" to upstream")) {
		return phaseSend
	}
	return phaseOther
}

// failureStatus is the status the client gets for a failure in this phase
// (ngx_http_upstream_next: timeouts 504, everything else 502). In the body
// phase the status line was already sent: the response is truncated (0). A
// timeout of an upgraded connection finalizes with 504 (causes.md §3). Stream
// sessions have no 504: next_upstream finalizes with 502.
func failureStatus(ph phase, timeout, stream bool) int {
	switch ph {
	case phaseBody:
		return 0
	case phaseUpgraded:
		if timeout && !stream {
			return 504
		}
		return 0
	}
	if timeout && !stream {
		return 504
	}
	return 502
}

// timeoutCause picks the timeout cause from the phase.
func timeoutCause(ph phase) cause.Cause {
	switch ph {
	case phaseConnect, phaseUpstreamTLS:
		return cause.ConnectTimeout
	case phaseSend:
		return cause.SendTimeout
	}
	return cause.ReadTimeout
}

// timeoutPhase is the phase used for the status of a timeout: a timeout
// logged under a client-side action can only be a body-phase one.
func (m *nginxMessage) timeoutPhase() phase {
	if m.phase == phaseOther {
		return phaseBody
	}
	return m.phase
}

// trimModuleSuffix removes the `(module)` some third-party modules append to
// the action: ngx_http_proxy_connect_module logs `while connecting to
// upstream(proxy_connect)` for the connect phase of a CONNECT tunnel.
func trimModuleSuffix(action []byte) []byte {
	n := len(action)
	if n < 3 || action[n-1] != ')' {
		return action
	}
	open := bytes.LastIndexByte(action, '(')
	if open <= 0 || open == n-2 {
		return action
	}
	for _, c := range action[open+1 : n-1] {
		if (c < 'a' || c > 'z') && c != '_' {
			return action
		}
	}
	return action[:open]
}
