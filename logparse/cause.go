// Package logparse turns proxy log lines into events: which upstream failed,
// why (a stable cause label from the taxonomy in causes.md) and what the
// client got. It is pure: bytes in, events out, no I/O, no clocks, no globals
// that change after init.
package logparse

// Cause is one value of the upstream-failure taxonomy. The zero value is
// CauseNone: the line is not an upstream failure.
type Cause uint8

// The taxonomy, in the order of causes.md §3. Names are the label values.
const (
	CauseNone Cause = iota
	CauseConnectionRefused
	CauseHostUnreachable
	CauseNetworkUnreachable
	CauseConnectTimeout
	CauseLocalAddressUnavailable
	CauseSocketNotFound
	CausePermissionDenied
	CauseBacklogFull
	CauseReadTimeout
	CauseSendTimeout
	CausePrematureClose
	CauseConnectionReset
	CauseNoLiveUpstreams
	CauseHeaderTooBig
	CauseInvalidHeader
	CauseProtocolError
	CauseTLSHandshakeFailed
	CauseTLSVerifyFailed
	CauseDNSFailure
	CauseConfigHostNotFound
	CauseProxyResourceExhausted
	CauseProxyInternalError
	CauseQueueTimeout
	CauseFastCGIStderr
	CauseUnhealthyStatus
	CauseMarkedDown
	numCauses
)

type causeInfo struct {
	name string
	hint string
}

var causeTable = [numCauses]causeInfo{
	CauseNone:                    {"none", ""},
	CauseConnectionRefused:       {"connection_refused", "nothing listens on that port or socket: check the app is running and its listen address:port, align proxy_pass/server"},
	CauseHostUnreachable:         {"host_unreachable", "host down or firewall REJECT: check the host and firewall, resolve the service by name instead of a fixed IP"},
	CauseNetworkUnreachable:      {"network_unreachable", "no route to that address family or subnet: fix routing, pin IPv4 or set resolver ipv6=off"},
	CauseConnectTimeout:          {"connect_timeout", "SYNs dropped or backlog full: check firewall/security groups and backend backlog, tune proxy_connect_timeout / timeout connect"},
	CauseLocalAddressUnavailable: {"local_address_unavailable", "ephemeral ports exhausted: use upstream keepalive, widen ip_local_port_range, proxy_bind several IPs"},
	CauseSocketNotFound:          {"socket_not_found", "unix socket missing: start the app (php-fpm, gunicorn, puma) and align the socket path; check systemd PrivateTmp"},
	CausePermissionDenied:        {"permission_denied", "socket mode/owner or SELinux: set listen.owner/group/mode, setsebool -P httpd_can_network_connect 1"},
	CauseBacklogFull:             {"backlog_full", "app workers saturated: add workers, raise listen.backlog and net.core.somaxconn, find slow requests"},
	CauseReadTimeout:             {"read_timeout", "upstream too slow to answer: fix the slow endpoint; raise proxy_read_timeout / timeout server only if expected"},
	CauseSendTimeout:             {"send_timeout", "upstream not reading the request body: check its body handling, proxy_send_timeout, proxy_request_buffering"},
	CausePrematureClose:          {"premature_close", "upstream closed mid-request: check app logs for crashes, OOM and worker timeouts; upstream keep-alive longer than the proxy's"},
	CauseConnectionReset:         {"connection_reset", "upstream sent RST: align keep-alive timeouts (upstream > proxy), proxy_next_upstream error, check middleboxes"},
	CauseNoLiveUpstreams:         {"no_live_upstreams", "every server of the group is marked failed: fix the per-server failures logged before, tune max_fails, add a backup"},
	CauseHeaderTooBig:            {"header_too_big", "response headers exceed the buffer: raise proxy_buffer_size/fastcgi_buffer_size or tune.bufsize, trim cookies"},
	CauseInvalidHeader:           {"invalid_header", "app sends a malformed or duplicated header or mixes Content-Length and Transfer-Encoding: fix the app's headers"},
	CauseProtocolError:           {"protocol_error", "wrong protocol on the port: match proxy_pass/fastcgi_pass/grpc_pass and http vs https to what the backend speaks"},
	CauseTLSHandshakeFailed:      {"tls_handshake_failed", "TLS mismatch: proxy_ssl_server_name on, proxy_ssl_protocols, or TLS sent to a plain-HTTP port"},
	CauseTLSVerifyFailed:         {"tls_verify_failed", "certificate not trusted or wrong name: proxy_ssl_trusted_certificate, proxy_ssl_name, renew the certificate"},
	CauseDNSFailure:              {"dns_failure", "name does not resolve or resolver unreachable: fix the name, add a resolver directive (127.0.0.11 in Docker)"},
	CauseConfigHostNotFound:      {"config_host_not_found", "upstream host did not resolve at config load: start dependencies first, or use resolver + variable / server ... resolve"},
	CauseProxyResourceExhausted:  {"proxy_resource_exhausted", "proxy out of connections or file descriptors: raise worker_connections/worker_rlimit_nofile/maxconn, look for proxy loops"},
	CauseProxyInternalError:      {"proxy_internal_error", "internal proxy error: upgrade, report a bug"},
	CauseQueueTimeout:            {"queue_timeout", "every server at maxconn: add servers or raise maxconn, tune timeout queue"},
	CauseFastCGIStderr:           {"fastcgi_stderr", "the FastCGI app wrote to stderr: read the PHP message; check fastcgi_param SCRIPT_FILENAME and root"},
	CauseUnhealthyStatus:         {"unhealthy_status", "health check got a bad status: fix the check URI, Host header or expected status, or the app"},
	CauseMarkedDown:              {"marked_down", "consequence of earlier failures: look at the primary failure lines before it"},
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

// AllCauses lists every cause except CauseNone, in taxonomy order.
func AllCauses() []Cause {
	out := make([]Cause, 0, numCauses-1)
	for c := CauseNone + 1; c < numCauses; c++ {
		out = append(out, c)
	}
	return out
}

// ParseCause maps a label value back to its Cause.
func ParseCause(name string) (Cause, bool) {
	for c := CauseNone; c < numCauses; c++ {
		if causeTable[c].name == name {
			return c, true
		}
	}
	return CauseNone, false
}
