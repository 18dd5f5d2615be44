// Package cause has one job: the cause taxonomy of ../shared/spec/causes.md —
// the enum, its label values, fix hints and runbook anchors (the label value
// is the anchor of its section in docs/runbook.md). It imports nothing of the
// project, so that parsers, probes and the exporter can all speak it.
package cause

// Cause is one value of the upstream-failure taxonomy. The zero value is
// None: the line is not an upstream failure.
type Cause uint8

// The taxonomy, in the order of causes.md §3. Names are the label values.
const (
	None Cause = iota
	ConnectionRefused
	HostUnreachable
	NetworkUnreachable
	ConnectTimeout
	LocalAddressUnavailable
	SocketNotFound
	PermissionDenied
	BacklogFull
	ReadTimeout
	SendTimeout
	PrematureClose
	ConnectionReset
	NoLiveUpstreams
	HeaderTooBig
	InvalidHeader
	ProtocolError
	TLSHandshakeFailed
	TLSVerifyFailed
	DNSFailure
	ConfigHostNotFound
	ProxyResourceExhausted
	ProxyInternalError
	QueueTimeout
	FastCGIStderr
	UnhealthyStatus
	MarkedDown
	numCauses
)

type causeInfo struct {
	name string
	hint string
}

var causeTable = [numCauses]causeInfo{
	None:                    {"none", ""},
	ConnectionRefused:       {"connection_refused", "nothing listens on that port or socket: check the app is running and its listen address:port, align proxy_pass/server"},
	HostUnreachable:         {"host_unreachable", "host down or firewall REJECT: check the host and firewall, resolve the service by name instead of a fixed IP"},
	NetworkUnreachable:      {"network_unreachable", "no route to that address family or subnet: fix routing, pin IPv4 or set resolver ipv6=off"},
	ConnectTimeout:          {"connect_timeout", "SYNs dropped or backlog full: check firewall/security groups and backend backlog, tune proxy_connect_timeout / timeout connect"},
	LocalAddressUnavailable: {"local_address_unavailable", "ephemeral ports exhausted: use upstream keepalive, widen ip_local_port_range, proxy_bind several IPs"},
	SocketNotFound:          {"socket_not_found", "unix socket missing: start the app (php-fpm, gunicorn, puma) and align the socket path; check systemd PrivateTmp"},
	PermissionDenied:        {"permission_denied", "socket mode/owner or SELinux: set listen.owner/group/mode, setsebool -P httpd_can_network_connect 1"},
	BacklogFull:             {"backlog_full", "app workers saturated: add workers, raise listen.backlog and net.core.somaxconn, find slow requests"},
	ReadTimeout:             {"read_timeout", "upstream too slow to answer: fix the slow endpoint; raise proxy_read_timeout / timeout server only if expected"},
	SendTimeout:             {"send_timeout", "upstream not reading the request body: check its body handling, proxy_send_timeout, proxy_request_buffering"},
	PrematureClose:          {"premature_close", "upstream closed mid-request: check app logs for crashes, OOM and worker timeouts; upstream keep-alive longer than the proxy's"},
	ConnectionReset:         {"connection_reset", "upstream sent RST: align keep-alive timeouts (upstream > proxy), proxy_next_upstream error, check middleboxes"},
	NoLiveUpstreams:         {"no_live_upstreams", "every server of the group is marked failed: fix the per-server failures logged before, tune max_fails, add a backup"},
	HeaderTooBig:            {"header_too_big", "response headers exceed the buffer: raise proxy_buffer_size/fastcgi_buffer_size or tune.bufsize, trim cookies"},
	InvalidHeader:           {"invalid_header", "app sends a malformed or duplicated header or mixes Content-Length and Transfer-Encoding: fix the app's headers"},
	ProtocolError:           {"protocol_error", "wrong protocol on the port: match proxy_pass/fastcgi_pass/grpc_pass and http vs https to what the backend speaks"},
	TLSHandshakeFailed:      {"tls_handshake_failed", "TLS mismatch: proxy_ssl_server_name on, proxy_ssl_protocols, or TLS sent to a plain-HTTP port"},
	TLSVerifyFailed:         {"tls_verify_failed", "certificate not trusted or wrong name: proxy_ssl_trusted_certificate, proxy_ssl_name, renew the certificate"},
	DNSFailure:              {"dns_failure", "name does not resolve or resolver unreachable: fix the name, add a resolver directive (127.0.0.11 in Docker)"},
	ConfigHostNotFound:      {"config_host_not_found", "upstream host did not resolve at config load: start dependencies first, or use resolver + variable / server ... resolve"},
	ProxyResourceExhausted:  {"proxy_resource_exhausted", "proxy out of connections or file descriptors: raise worker_connections/worker_rlimit_nofile/maxconn, look for proxy loops"},
	ProxyInternalError:      {"proxy_internal_error", "internal proxy error: upgrade, report a bug"},
	QueueTimeout:            {"queue_timeout", "every server at maxconn: add servers or raise maxconn, tune timeout queue"},
	FastCGIStderr:           {"fastcgi_stderr", "the FastCGI app wrote to stderr: read the PHP message; check fastcgi_param SCRIPT_FILENAME and root"},
	UnhealthyStatus:         {"unhealthy_status", "health check got a bad status: fix the check URI, Host header or expected status, or the app"},
	MarkedDown:              {"marked_down", "consequence of earlier failures: look at the primary failure lines before it"},
}

// String returns the label value, e.g. "connection_refused".
func (c Cause) String() string {
	if c >= numCauses {
		return "none"
	}
	return causeTable[c].name
}

// FixHint is a one-line suggestion of what to try first.
func (c Cause) FixHint() string {
	if c >= numCauses {
		return ""
	}
	return causeTable[c].hint
}

// All lists every cause except None, in taxonomy order.
func All() []Cause {
	out := make([]Cause, 0, numCauses-1)
	for c := None + 1; c < numCauses; c++ {
		out = append(out, c)
	}
	return out
}

// Parse maps a label value back to its Cause.
func Parse(name string) (Cause, bool) {
	for c := None; c < numCauses; c++ {
		if causeTable[c].name == name {
			return c, true
		}
	}
	return None, false
}
