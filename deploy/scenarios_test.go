// Package deploy_test proves the demo stack of docker-compose.yml without a
// Docker engine: `docker-compose config -q` validates the compose file, and
// TestDemoStack runs the very nginx, HAProxy and exporter configurations of
// deploy/ with the real binaries and flaky-upstream on loopback, after a
// textual mapping of container names, ports and paths (mapping_test.go),
// and checks that every scenario shows its cause in /metrics.
package deploy_test

// scenario is one failure (or healthy) path of the demo. Addresses are
// written as in the containers ("flaky:8087", "unix:/sockets/…") and mapped
// like the configurations.
type scenario struct {
	proxy  string // nginx or haproxy
	path   string
	mode   string // flaky-upstream mode listening behind it, "" when nothing listens
	status int    // what the client gets
	cause  string // in badgateway_upstream_errors_total; "" for a healthy path
	// upstream is the label of the error: the peer, an nginx upstream group,
	// a host name or an HAProxy backend/server.
	upstream string
	// primed scenarios need their servers down first: nginx by a first
	// request, which fails on each server of the group once (max_fails=1);
	// HAProxy by its health checks, which the test waits for.
	primed bool
}

// server is the `server` label: nginx's server_name, HAProxy's frontend.
const server = "demo"

// scenarios is the table of README.md (the demo's scenarios), of the
// comments atop deploy/nginx/conf.d/scenarios.conf and
// deploy/haproxy/haproxy.cfg, and of the paths of deploy/loadgen/loadgen.sh.
var scenarios = []scenario{
	{"nginx", "/ok", "healthy", 200, "", "", false},
	{"nginx", "/refused", "", 502, "connection_refused", "flaky:8087", false},
	{"nginx", "/wrong-port", "", 502, "connection_refused", "flaky:8008", false},
	{"nginx", "/timeout", "slow", 504, "read_timeout", "flaky:8081", false},
	{"nginx", "/premature-close", "close", 502, "premature_close", "flaky:8082", false},
	{"nginx", "/reset", "reset", 502, "connection_reset", "flaky:8083", false},
	{"nginx", "/header-too-big", "bigheader", 502, "header_too_big", "flaky:8084", false},
	{"nginx", "/invalid-header", "badheader", 502, "invalid_header", "flaky:8085", false},
	{"nginx", "/crash", "crash", 502, "premature_close", "flaky:8086", false},
	{"nginx", "/tls", "tls", 200, "", "", false},
	{"nginx", "/tls-to-plain", "healthy", 502, "tls_handshake_failed", "flaky:8080", false},
	{"nginx", "/tls-untrusted", "tls", 502, "tls_verify_failed", "flaky:8443", false},
	{"nginx", "/dns", "", 502, "dns_failure", "app-v2.demo.invalid", false},
	{"nginx", "/unix", "healthy", 200, "", "", false},
	{"nginx", "/missing-socket", "", 502, "socket_not_found", "unix:/sockets/php-fpm.sock", false},
	{"nginx", "/no-live-upstreams", "", 502, "no_live_upstreams", "app_pool", true},

	{"haproxy", "/ok", "healthy", 200, "", "", false},
	{"haproxy", "/refused", "", 503, "connection_refused", "be_refused/app", false},
	{"haproxy", "/timeout", "slow", 504, "read_timeout", "be_timeout/app", false},
	{"haproxy", "/premature-close", "close", 502, "premature_close", "be_premature_close/app", false},
	{"haproxy", "/reset", "reset", 502, "premature_close", "be_reset/app", false},
	{"haproxy", "/header-too-big", "bigheader", 502, "invalid_header", "be_header_too_big/app", false},
	{"haproxy", "/invalid-header", "badheader", 502, "invalid_header", "be_invalid_header/app", false},
	{"haproxy", "/crash", "crash", 502, "premature_close", "be_crash/app", false},
	{"haproxy", "/no-live-upstreams", "", 503, "no_live_upstreams", "be_no_live_upstreams", true},
}

// nginxPool is the upstream group of /no-live-upstreams: its servers are
// refused once each (by the primer) and marked down.
var nginxPool = []string{"flaky:8097", "flaky:8098"}

// haproxyPool are the servers of be_no_live_upstreams, which health checks
// take down.
var haproxyPool = []string{"be_no_live_upstreams/app1", "be_no_live_upstreams/app2"}
