// Package logparse has one job: the vocabulary its parsers share. Each
// subdirectory parses one log family (nginxerror, nginxaccess, haproxy,
// apacheerror) into the Event, Result and cause.Cause defined or used here, with the few byte
// helpers more than one family needs. Parsers are pure: bytes in, events out,
// no I/O, no clocks, no globals that change after init.
package logparse

import "github.com/badgateway/badgateway_exporter/cause"

// Result says what one physical log line was.
type Result uint8

const (
	// ResultUnrecognized: not a line of the expected format (garbage, binary,
	// a line of another program). Counted, never fatal.
	ResultUnrecognized Result = iota
	// ResultIgnored: a well-formed line that is not an upstream failure.
	ResultIgnored
	// ResultClassified: the line is (part of) an upstream-failure record.
	ResultClassified
)

// String returns the value of the `result` label of badgateway_log_lines_total.
func (r Result) String() string {
	switch r {
	case ResultIgnored:
		return "ignored"
	case ResultClassified:
		return "classified"
	default:
		return "unrecognized"
	}
}

// Proxy is the program that wrote a line.
type Proxy uint8

// Proxies.
const (
	ProxyNginx Proxy = iota
	ProxyHAProxy
	ProxyApache
	ProxyAWSALB // AWS Application Load Balancer access logs
	ProxyAWSELB // AWS Classic Load Balancer access logs
)

// String returns the value of the `proxy` label.
func (p Proxy) String() string {
	switch p {
	case ProxyHAProxy:
		return "haproxy"
	case ProxyApache:
		return "apache"
	case ProxyAWSALB:
		return "aws_alb"
	case ProxyAWSELB:
		return "aws_elb"
	}
	return "nginx"
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// KindUpstreamError: an upstream-failure record (an nginx error-log
	// line). Cause is never cause.None.
	KindUpstreamError EventKind = iota
	// KindRequest: a request line (HAProxy httplog/tcplog). Cause is set,
	// and counts as an upstream error, only when the termination state
	// blames the server side.
	KindRequest
	// KindHealth: a server state change (HAProxy `Server be/srv is DOWN`,
	// `is UP`, `has no server available!`; nginx `upstream server
	// temporarily disabled`). Health says which way.
	KindHealth
)

// HealthState is the state a KindHealth event reports.
type HealthState uint8

// Health states; String gives the `state` label value.
const (
	HealthDown HealthState = iota
	HealthUp
)

// String returns "down" or "up".
func (h HealthState) String() string {
	if h == HealthUp {
		return "up"
	}
	return "down"
}

// Event is one classified upstream-failure record. Its byte slices point into
// the line being parsed (or into the parser's own buffers) and are valid only
// until the emit callback returns: copy what you keep.
type Event struct {
	Kind   EventKind // zero value: KindUpstreamError
	Health HealthState
	Proxy  Proxy
	Cause  cause.Cause
	Status int    // status the client got (502, 504, 500 …); 0 when unknown or a truncated response; -1 on a KindRequest that sent none
	ConnID uint64 // nginx *N connection id; 0 when absent
	Lines  int    // physical lines the record spans (FastCGI stderr can span several)

	// ResponseSeconds is the upstream response time of a KindRequest event
	// (HAProxy Tr); negative when the line has none (-1 timer).
	ResponseSeconds float64
	// NoLiveUpstreams marks a KindHealth event that also counts as a
	// no_live_upstreams upstream error (HAProxy `has no server available!`).
	NoLiveUpstreams bool

	Level    []byte // "error", "crit" …; empty when the line carries none
	Upstream []byte // causes.md §3.2: host:port, [v6]:port, unix:/path, group name, or DNS name
	Server   []byte // nginx `server:` (virtual host); HAProxy frontend
	Client   []byte // client address
	Request  []byte // request line, without quotes
	Host     []byte // nginx `host:` header value, without quotes
}

// EmitFunc receives complete events. It must not retain the event or its slices.
type EmitFunc func(ev *Event)
