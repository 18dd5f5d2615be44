package nginxerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Issue 13's remaining nginx kinds, as operators pasted them: the cause,
// status and upstream each must give (status 0: the line says nothing of a
// waiting request).
var nginxRemainingCases = []struct {
	name, line string
	cause      cause.Cause
	status     int
	upstream   string
}{
	// proxy_connect (CONNECT tunnels): the timeout of the connect phase.
	{"proxy_connect upstream timed out", ts + `[error] 2214#0: *3461 upstream timed out (110: Connection timed out) while connecting to upstream(proxy_connect), client: 10.12.0.7, server: , request: "CONNECT github.com:443 HTTP/1.1", host: "github.com:443"`,
		cause.ConnectTimeout, 504, ""},
	{"proxy_connect upstream timed out with upstream", ts + `[error] 31#31: *88 upstream timed out (110: Operation timed out) while connecting to upstream(proxy_connect), client: 172.17.0.1, server: proxy.local, request: "CONNECT registry.npmjs.org:443 HTTP/1.1", upstream: "104.16.24.34:443", host: "registry.npmjs.org:443"`,
		cause.ConnectTimeout, 504, "104.16.24.34:443"},
	{"proxy_connect refused", ts + `[error] 31#31: *89 connect() failed (111: Connection refused) while connecting to upstream(proxy_connect), client: 172.17.0.1, server: proxy.local, request: "CONNECT 10.0.0.9:8443 HTTP/1.1", upstream: "10.0.0.9:8443", host: "10.0.0.9:8443"`,
		cause.ConnectionRefused, 502, "10.0.0.9:8443"},
	// No timestamp, no *conn: the message alone.
	{"bare worker_connections", `worker_connections are not enough while connecting to upstream, client: 10.0.3.4, server: api.example.com, request: "GET /v1/items HTTP/1.1", upstream: "http://10.0.3.20:8080/v1/items", host: "api.example.com"`,
		cause.ProxyResourceExhausted, 500, "10.0.3.20:8080"},
	{"bare N worker_connections", `1024 worker_connections are not enough while connecting to upstream, client: 10.0.3.4, server: api.example.com, request: "GET / HTTP/1.1", upstream: "http://unix:/run/app.sock:/", host: "api.example.com"`,
		cause.ProxyResourceExhausted, 500, "unix:/run/app.sock"},
	{"bare connect refused", `connect() failed (111: Connection refused) while connecting to upstream, client: 192.168.1.20, server: _, request: "POST /login HTTP/1.1", upstream: "http://127.0.0.1:3000/login", host: "app.example.org"`,
		cause.ConnectionRefused, 502, "127.0.0.1:3000"},
	{"bare stream refused", `connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.1.9, server: 0.0.0.0:5432, upstream: "10.1.1.30:5432", bytes from/to client:0/0, bytes from/to upstream:0/0`,
		cause.ConnectionRefused, 502, "10.1.1.30:5432"},
	{"bare read timeout", `upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.3.4, server: api.example.com, request: "GET /slow HTTP/1.1", upstream: "http://10.0.3.20:8080/slow", host: "api.example.com"`,
		cause.ReadTimeout, 504, "10.0.3.20:8080"},
	// No comma before client: (and empty values).
	{"no comma before client", ts + `[error] 12#12: *5 connect() failed (111: Connection refused) while connecting to upstream client: 172.18.0.1, server: localhost, request: "GET / HTTP/1.1", upstream: "http://172.18.0.3:8000/", host: "localhost"`,
		cause.ConnectionRefused, 502, "172.18.0.3:8000"},
	{"no comma, empty fields", ts + `[error] 12#12: *6 upstream prematurely closed connection while reading response header from upstream client:, server:, request: "GET /ws HTTP/1.1", upstream: "http://127.0.0.1:9000/ws", host: "localhost"`,
		cause.PrematureClose, 502, "127.0.0.1:9000"},
	{"no comma, timeout", ts + `[error] 12#12: *7 upstream timed out (110: Connection timed out) while reading response header from upstream client: 10.0.0.2, server: a.example, request: "GET / HTTP/1.1", upstream: "http://10.0.0.3:80/", host: "a.example"`,
		cause.ReadTimeout, 504, "10.0.0.3:80"},
	// A URI with no slash after the port.
	{"port then URI", ts + `[error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.20.0.1, server: localhost, request: "GET /version HTTP/1.1", upstream: "http://127.0.0.1:5001version", host: "localhost:8080"`,
		cause.ConnectionRefused, 502, "127.0.0.1:5001"},
	{"port then URI v6", ts + `[error] 29#29: *2 connect() failed (111: Connection refused) while connecting to upstream, client: ::1, server: localhost, request: "GET /api/v1 HTTP/1.1", upstream: "http://[::1]:8081api/v1", host: "localhost"`,
		cause.ConnectionRefused, 502, "[::1]:8081"},
	{"port then query", ts + `[error] 29#29: *3 upstream prematurely closed connection while reading response header from upstream, client: 172.20.0.1, server: localhost, request: "GET /?q=1 HTTP/1.1", upstream: "http://10.0.0.5:8080?q=1", host: "localhost"`,
		cause.PrematureClose, 502, "10.0.0.5:8080"},
}

func TestNginxRemainingKinds(t *testing.T) {
	for _, tc := range nginxRemainingCases {
		got := ClassifyLine(tc.line)
		if got.Result != logparse.ResultClassified || got.Cause != tc.cause || got.Status != tc.status || got.Upstream != tc.upstream {
			t.Errorf("%s: %s\n got %s %s status %d upstream %q, want %s status %d upstream %q", tc.name, tc.line,
				got.Result, got.Cause, got.Status, got.Upstream, tc.cause, tc.status, tc.upstream)
		}
	}
}

// What the fixes above must leave alone.
func TestNginxRemainingKindsLookalikes(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		cause      cause.Cause
		status     int
		upstream   string
	}{
		{"uppercase suffix is not a module", ts + `[error] 31#31: *90 upstream timed out (110: Connection timed out) while connecting to upstream(Proxy)` + shopTail,
			cause.ReadTimeout, 0, "10.0.0.5:8080"},
		{"bare worker_connections outside a connect", `worker_connections are not enough`, cause.ProxyResourceExhausted, 0, ""},
		{"redacted port kept", ts + `[error] 31#31: *91 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: x, request: "GET / HTTP/1.1", upstream: "http://IPADDRESS:port/x", host: "x"`,
			cause.ConnectionRefused, 502, "IPADDRESS:port"},
		{"port alone kept", ts + `[error] 31#31: *92 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: x, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:5001", host: "x"`,
			cause.ConnectionRefused, 502, "127.0.0.1:5001"},
		{"client: inside the message, comma tail later", ts + `[error] 31#31: *93 upstream sent invalid header: "X-Echo client: 1" while reading response header from upstream` + shopTail,
			cause.InvalidHeader, 502, "10.0.0.5:8080"},
	} {
		got := ClassifyLine(tc.line)
		if got.Cause != tc.cause || got.Status != tc.status || got.Upstream != tc.upstream {
			t.Errorf("%s: %s\n got %s status %d upstream %q, want %s status %d upstream %q", tc.name, tc.line,
				got.Cause, got.Status, got.Upstream, tc.cause, tc.status, tc.upstream)
		}
	}
}
