package nginxerror

import (
	"github.com/badgateway/badgateway_exporter/logparse/internal/parsertest"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// nginxCase is one line and what ClassifyLine must say about it.
type nginxCase struct {
	name string
	line string
	want Summary
}

func runNginxCases(t *testing.T, cases []nginxCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want.Cause != cause.None && want.Lines == 0 {
				want.Lines = 1
			}
			if got := ClassifyLine(tc.line); got != want {
				t.Errorf("line: %s\n got: %+v\nwant: %+v", tc.line, got, want)
			}
		})
	}
}

// The request context most HTTP cases share (parsertest's: the benchmark
// lines end the same way).
const (
	ts       = parsertest.TS
	shopTail = parsertest.ShopTail
	phpTail  = parsertest.PHPTail
)

// shop is the expected summary of a line ending in shopTail.
func shop(cause cause.Cause, status int, conn uint64, level string) Summary {
	return Summary{Result: logparse.ResultClassified, Cause: cause, Status: status, ConnID: conn, Lines: 1, Level: level,
		Upstream: "10.0.0.5:8080", Server: "shop.example.com", Client: "192.0.2.10",
		Request: "GET /api/cart?id=7 HTTP/1.1", Host: "shop.example.com"}
}

// php is the expected summary of a line ending in phpTail.
func php(cause cause.Cause, status int, conn uint64, level string) Summary {
	return Summary{Result: logparse.ResultClassified, Cause: cause, Status: status, ConnID: conn, Lines: 1, Level: level,
		Upstream: "unix:/run/php/php8.2-fpm.sock", Server: "blog.example.com", Client: "192.0.2.10",
		Request: "POST /wp-admin/admin-ajax.php HTTP/2.0", Host: "blog.example.com"}
}

var nginxConnectErrnoCases = []nginxCase{
	{"refused", ts + `[error] 31#31: *101 connect() failed (111: Connection refused) while connecting to upstream` + shopTail,
		shop(cause.ConnectionRefused, 502, 101, "error")},
	{"refused unix socket", ts + `[error] 7#7: *3 connect() to unix:/run/php/php8.2-fpm.sock failed (111: Connection refused) while connecting to upstream` + phpTail,
		php(cause.ConnectionRefused, 502, 3, "error")},
	{"refused kqueue", ts + `[error] 812#100123: *4 kevent() reported that connect() failed (61: Connection refused) while connecting to upstream` + shopTail,
		shop(cause.ConnectionRefused, 502, 4, "error")},
	{"no route to host", ts + `[error] 31#31: *102 connect() failed (113: No route to host) while connecting to upstream` + shopTail,
		shop(cause.HostUnreachable, 502, 102, "error")},
	{"host is down", ts + `[error] 31#31: *103 connect() failed (112: Host is down) while connecting to upstream` + shopTail,
		shop(cause.HostUnreachable, 502, 103, "error")},
	{"network unreachable glibc", ts + `[error] 31#31: *104 connect() to [2001:db8::5]:8080 failed (101: Network is unreachable) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://[2001:db8::5]:8080/", host: "shop.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.NetworkUnreachable, Status: 502, ConnID: 104, Level: "error",
			Upstream: "[2001:db8::5]:8080", Server: "shop.example.com", Client: "192.0.2.10", Request: "GET / HTTP/1.1", Host: "shop.example.com"}},
	{"network unreachable musl", ts + `[error] 31#31: *105 connect() failed (101: Network unreachable) while connecting to upstream` + shopTail,
		shop(cause.NetworkUnreachable, 502, 105, "error")},
	{"network is down", ts + `[error] 31#31: *106 connect() failed (100: Network is down) while connecting to upstream` + shopTail,
		shop(cause.NetworkUnreachable, 502, 106, "error")},
	{"kernel SYN timeout glibc", ts + `[error] 31#31: *107 connect() failed (110: Connection timed out) while connecting to upstream` + shopTail,
		shop(cause.ConnectTimeout, 502, 107, "error")},
	{"kernel SYN timeout musl", ts + `[error] 31#31: *108 connect() failed (110: Operation timed out) while connecting to upstream` + shopTail,
		shop(cause.ConnectTimeout, 502, 108, "error")},
	{"ephemeral ports", ts + `[crit] 31#31: *109 connect() to 10.0.0.5:8080 failed (99: Cannot assign requested address) while connecting to upstream` + shopTail,
		shop(cause.LocalAddressUnavailable, 502, 109, "crit")},
	{"ephemeral ports musl", ts + `[crit] 31#31: *110 connect() to 10.0.0.5:8080 failed (99: Address not available) while connecting to upstream` + shopTail,
		shop(cause.LocalAddressUnavailable, 502, 110, "crit")},
	{"socket missing", ts + `[crit] 7#7: *111 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream` + phpTail,
		php(cause.SocketNotFound, 502, 111, "crit")},
	{"socket permission", ts + `[crit] 7#7: *112 connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream` + phpTail,
		php(cause.PermissionDenied, 502, 112, "crit")},
	{"SELinux", ts + `[crit] 1201#0: *113 connect() to 127.0.0.1:8080 failed (13: Permission denied) while connecting to upstream, client: 192.0.2.10, server: app.example.com, request: "GET /favicon.ico HTTP/1.1", upstream: "http://127.0.0.1:8080/favicon.ico", host: "app.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.PermissionDenied, Status: 502, ConnID: 113, Level: "crit",
			Upstream: "127.0.0.1:8080", Server: "app.example.com", Client: "192.0.2.10", Request: "GET /favicon.ico HTTP/1.1", Host: "app.example.com"}},
	{"unix backlog full", ts + `[error] 7#7: *114 connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream` + phpTail,
		php(cause.BacklogFull, 502, 114, "error")},
	{"unix backlog full musl", ts + `[error] 7#7: *115 connect() to unix:/run/php/php8.2-fpm.sock failed (11: Try again) while connecting to upstream` + phpTail,
		php(cause.BacklogFull, 502, 115, "error")},
	{"reset on connect", ts + `[error] 31#31: *116 connect() failed (104: Connection reset by peer) while connecting to upstream` + shopTail,
		shop(cause.ConnectionReset, 502, 116, "error")},
	{"upstream field missing: connect() to X", ts + `[crit] 31#31: *117 connect() to 10.0.0.7:9000 failed (99: Cannot assign requested address) while connecting to upstream, client: 192.0.2.10, server: shop.example.com`,
		Summary{Result: logparse.ResultClassified, Cause: cause.LocalAddressUnavailable, Status: 502, ConnID: 117, Level: "crit",
			Upstream: "10.0.0.7:9000", Server: "shop.example.com", Client: "192.0.2.10"}},
	{"stream proxy", ts + `[error] 24#24: *118 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: 0.0.0.0:5432, upstream: "10.0.0.8:5432", bytes from/to client:0/0, bytes from/to upstream:0/0`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConnectionRefused, Status: 502, ConnID: 118, Level: "error",
			Upstream: "10.0.0.8:5432", Server: "0.0.0.0:5432", Client: "192.0.2.10"}},
}

func TestNginxConnectErrno(t *testing.T) { runNginxCases(t, nginxConnectErrnoCases) }

var nginxTimeoutsCases = []nginxCase{
	{"connect timeout glibc", ts + `[error] 31#31: *201 upstream timed out (110: Connection timed out) while connecting to upstream` + shopTail,
		shop(cause.ConnectTimeout, 504, 201, "error")},
	{"connect timeout musl", ts + `[error] 31#31: *202 upstream timed out (110: Operation timed out) while connecting to upstream` + shopTail,
		shop(cause.ConnectTimeout, 504, 202, "error")},
	{"send timeout", ts + `[error] 31#31: *203 upstream timed out (110: Connection timed out) while sending request to upstream` + shopTail,
		shop(cause.SendTimeout, 504, 203, "error")},
	{"read timeout", ts + `[error] 31#31: *204 upstream timed out (110: Connection timed out) while reading response header from upstream` + shopTail,
		shop(cause.ReadTimeout, 504, 204, "error")},
	{"websocket idle", ts + `[error] 31#31: *205 upstream timed out (110: Connection timed out) while proxying upgraded connection` + shopTail,
		shop(cause.ReadTimeout, 504, 205, "error")},
	{"body phase truncates", ts + `[error] 31#31: *206 upstream timed out (110: Connection timed out) while reading upstream` + shopTail,
		shop(cause.ReadTimeout, 0, 206, "error")},
	{"stream connect timeout is 502", ts + `[error] 24#24: *207 upstream timed out (110: Connection timed out) while connecting to upstream, client: 192.0.2.10, server: 0.0.0.0:6379, upstream: "10.0.0.9:6379", bytes from/to client:0/0, bytes from/to upstream:0/0`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConnectTimeout, Status: 502, ConnID: 207, Level: "error",
			Upstream: "10.0.0.9:6379", Server: "0.0.0.0:6379", Client: "192.0.2.10"}},
}

func TestNginxTimeouts(t *testing.T) { runNginxCases(t, nginxTimeoutsCases) }

var nginxResetsAndClosesCases = []nginxCase{
	{"recv reset header", ts + `[error] 31#31: *301 recv() failed (104: Connection reset by peer) while reading response header from upstream` + shopTail,
		shop(cause.ConnectionReset, 502, 301, "error")},
	{"readv reset body", ts + `[error] 31#31: *302 readv() failed (104: Connection reset by peer) while reading upstream` + shopTail,
		shop(cause.ConnectionReset, 0, 302, "error")},
	{"writev broken pipe send", ts + `[error] 31#31: *303 writev() failed (32: Broken pipe) while sending request to upstream` + shopTail,
		shop(cause.ConnectionReset, 502, 303, "error")},
	{"send reset", ts + `[error] 31#31: *304 send() failed (104: Connection reset by peer) while sending request to upstream` + shopTail,
		shop(cause.ConnectionReset, 502, 304, "error")},
	{"sendfile broken pipe", ts + `[error] 31#31: *305 sendfile() failed (32: Broken pipe) while sending request to upstream` + shopTail,
		shop(cause.ConnectionReset, 502, 305, "error")},
	{"recv refused after async connect", ts + `[error] 31#31: *306 recv() failed (111: Connection refused) while reading response header from upstream` + shopTail,
		shop(cause.ConnectionRefused, 502, 306, "error")},
	{"premature close header", ts + `[error] 31#31: *307 upstream prematurely closed connection while reading response header from upstream` + shopTail,
		shop(cause.PrematureClose, 502, 307, "error")},
	{"premature close body", ts + `[error] 31#31: *308 upstream prematurely closed connection while reading upstream` + shopTail,
		shop(cause.PrematureClose, 0, 308, "error")},
	{"premature FastCGI stdout", ts + `[error] 7#7: *309 upstream prematurely closed FastCGI stdout while reading response header from upstream` + phpTail,
		php(cause.PrematureClose, 502, 309, "error")},
	{"premature FastCGI request", ts + `[error] 7#7: *310 upstream prematurely closed FastCGI request while reading upstream` + phpTail,
		php(cause.PrematureClose, 0, 310, "error")},
	{"OpenSSL 3 unexpected eof", ts + `[crit] 31#31: *311 SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading upstream` + shopTail,
		shop(cause.PrematureClose, 0, 311, "crit")},
	{"stream data reset", ts + `[error] 24#24: *312 recv() failed (104: Connection reset by peer) while proxying and reading from upstream, client: 192.0.2.10, server: 0.0.0.0:5432, upstream: "10.0.0.8:5432", bytes from/to client:517/3012, bytes from/to upstream:3012/517`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConnectionReset, Status: 0, ConnID: 312, Level: "error",
			Upstream: "10.0.0.8:5432", Server: "0.0.0.0:5432", Client: "192.0.2.10"}},
}

func TestNginxResetsAndCloses(t *testing.T) { runNginxCases(t, nginxResetsAndClosesCases) }
