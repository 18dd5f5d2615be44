package apacheerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

type apacheCase struct {
	name, line string
	want       Summary
}

const (
	d24 = "[Wed Dec 02 14:53:06.123456 2026] "
	d22 = "[Wed Oct 11 14:32:52 2000] "
)

func failed(c cause.Cause, status int, level, upstream, client string) Summary {
	return Summary{Result: logparse.ResultClassified, Cause: c, Status: status, Level: level, Upstream: upstream, Client: client}
}

var ignoredLine = Summary{Result: logparse.ResultIgnored}

var apacheCases = []apacheCase{
	{"2.4 connect refused", d24 + `[proxy:error] [pid 1234:tid 140234] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`,
		failed(cause.ConnectionRefused, 503, "error", "127.0.0.1:8080", "")},
	{"2.4 connect refused newer name", d24 + `[proxy:error] [pid 9:tid 11] (111)Connection refused: AH00957: http: attempt to connect to 10.0.0.5:3000 (app:3000) failed`,
		failed(cause.ConnectionRefused, 503, "error", "10.0.0.5:3000", "")},
	{"2.4 connect timeout", d24 + `[proxy:error] [pid 1234:tid 140234] (110)Connection timed out: AH00957: HTTP: attempt to connect to 10.0.0.9:80 (10.0.0.9) failed`,
		failed(cause.ConnectTimeout, 503, "error", "10.0.0.9:80", "")},
	{"2.4 no route", d24 + `[proxy:error] [pid 77] (113)No route to host: AH00957: HTTPS: attempt to connect to 10.0.0.9:443 (backend.internal) failed`,
		failed(cause.HostUnreachable, 503, "error", "10.0.0.9:443", "")},
	{"2.4 fcgi unix socket missing", d24 + `[proxy:error] [pid 77] (2)No such file or directory: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/php8.2-fpm.sock (localhost) failed`,
		failed(cause.SocketNotFound, 503, "error", "unix:/run/php/php8.2-fpm.sock", "")},
	{"2.4 fcgi permission", d24 + `[proxy:error] [pid 77] (13)Permission denied: AH02454: FCGI: attempt to connect to Unix domain socket /run/php/php-fpm.sock (*) failed`,
		failed(cause.PermissionDenied, 503, "error", "unix:/run/php/php-fpm.sock", "")},
	{"2.4 disabling worker", d24 + `[proxy:error] [pid 1234:tid 140234] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:8080) for 60s`,
		failed(cause.MarkedDown, 0, "error", "127.0.0.1:8080", "")},
	{"2.4 failed to make connection is ignored", d24 + `[proxy_http:error] [pid 1234:tid 140234] [client 192.0.2.10:51234] AH01114: HTTP: failed to make connection to backend: 127.0.0.1`,
		ignoredLine},
	{"2.4 disabled connection", d24 + `[proxy:error] [pid 1234:tid 140234] AH00940: HTTP: disabled connection for (127.0.0.1:8080)`,
		failed(cause.NoLiveUpstreams, 503, "error", "127.0.0.1:8080", "")},
	{"2.4 status line timeout", d24 + `[proxy_http:error] [pid 1234:tid 140234] (70007)The timeout specified has expired: [client 192.0.2.10:51234] AH01102: error reading status line from remote server 127.0.0.1:8080, referer: https://shop.example.com/`,
		failed(cause.ReadTimeout, 502, "error", "127.0.0.1:8080", "192.0.2.10")},
	{"2.4 status line closed", d24 + `[proxy_http:error] [pid 1234:tid 140234] [client 192.0.2.10:51234] AH01102: error reading status line from remote server localhost:8080`,
		failed(cause.PrematureClose, 502, "error", "localhost:8080", "192.0.2.10")},
	{"2.4 status line reset", d24 + `[proxy_http:error] [pid 12] (104)Connection reset by peer: [client [2001:db8::7]:51234] AH01102: error reading status line from remote server 10.0.0.5:80`,
		failed(cause.ConnectionReset, 502, "error", "10.0.0.5:80", "2001:db8::7")},
	{"2.4 error reading from remote", d24 + `[proxy:error] [pid 12] [client 192.0.2.10:51234] AH00898: Error reading from remote server returned by /api/cart`,
		failed(cause.PrematureClose, 502, "error", "", "192.0.2.10")},
	{"2.4 error reading from remote timeout", d24 + `[proxy:error] [pid 12] (70007)The timeout specified has expired: [client 192.0.2.10:51234] AH00898: Error reading from remote server returned by /slow`,
		failed(cause.ReadTimeout, 502, "error", "", "192.0.2.10")},
	{"2.4 DNS", d24 + `[proxy:error] [pid 12] [client 192.0.2.10:51234] AH00898: DNS lookup failure for: backend.invalid returned by /`,
		failed(cause.DNSFailure, 500, "error", "backend.invalid", "192.0.2.10")}, // 2.4.71 answers 500
	// Apache 2.4.71 as it logs a name the resolver answered NXDOMAIN for
	// (e2e_apache_dns_test.go): getaddrinfo's code as `(EAI 2)`.
	{"2.4 DNS with the resolver's error", d24 + `[proxy:error] [pid 32334:tid 32340] (EAI 2)Name or service not known: [client 192.0.2.10:59146] AH00898: DNS lookup failure for: backend.invalid returned by /dns`,
		failed(cause.DNSFailure, 500, "error", "backend.invalid", "192.0.2.10")},
	{"2.4 pass body AH01084 reset", d24 + `[proxy:error] [pid 12] (104)Connection reset by peer: [client 192.0.2.10:51234] AH01084: pass request body failed to 127.0.0.1:8080 (localhost)`,
		failed(cause.ConnectionReset, 502, "error", "127.0.0.1:8080", "192.0.2.10")},
	{"2.4 pass body AH01097 summary is ignored", d24 + `[proxy_http:error] [pid 12] [client 192.0.2.10:51234] AH01097: pass request body failed to 127.0.0.1:8080 (localhost) from 192.0.2.10 ()`,
		ignoredLine},
	{"AH00898 after AH01102 is one failure", d24 + `[proxy_http:error] [pid 12] (104)Connection reset by peer: [client 192.0.2.10:5] AH01102: error reading status line from remote server 10.0.0.5:80` + "\n" +
		d24 + `[proxy:error] [pid 12] [client 192.0.2.10:5] AH00898: Error reading from remote server returned by /x`,
		failed(cause.ConnectionReset, 502, "error", "10.0.0.5:80", "192.0.2.10")},
	{"2.4 pass body AH01084 timeout", d24 + `[proxy:error] [pid 12] (70007)The timeout specified has expired: [client 192.0.2.10:51234] AH01084: pass request body failed to 127.0.0.1:8080 (localhost)`,
		failed(cause.SendTimeout, 502, "error", "127.0.0.1:8080", "192.0.2.10")},
	{"2.4 fcgi primary script", d24 + `[proxy_fcgi:error] [pid 12:tid 13] [client 192.0.2.10:51234] AH01071: Got error 'Primary script unknown'`,
		failed(cause.FastCGIStderr, 0, "error", "", "192.0.2.10")},
	{"2.4 fcgi php fatal", d24 + `[proxy_fcgi:error] [pid 12:tid 13] [client 192.0.2.10:51234] AH01071: Got error 'PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function foo() in /var/www/index.php:3', referer: https://x/`,
		failed(cause.FastCGIStderr, 0, "error", "", "192.0.2.10")},
	{"2.4 balancer", d24 + `[proxy_balancer:error] [pid 12] [client 192.0.2.10:51234] AH01170: balancer://mycluster: All workers are in error state for route (node1)`,
		failed(cause.NoLiveUpstreams, 503, "error", "mycluster", "192.0.2.10")},
	{"2.4 SSL handshake", d24 + `[proxy:error] [pid 12] (502)Unknown error 502: [client 192.0.2.10:51234] AH01084: pass request body failed to 127.0.0.1:8443 (localhost)`,
		ignoredLine},
	{"2.4 SSL handshake line", d24 + `[proxy_http:error] [pid 12] [client 192.0.2.10:51234] AH00898: Error during SSL Handshake with remote server returned by /`,
		failed(cause.TLSHandshakeFailed, 500, "error", "", "192.0.2.10")},
	{"2.4 SSL verify then handshake", d24 + `[ssl:error] [pid 12] [remote 127.0.0.1:8443] AH02039: Certificate Verification: Error (10): certificate has expired` + "\n" +
		d24 + `[proxy_http:error] [pid 12] [client 192.0.2.10:51234] AH00898: Error during SSL Handshake with remote server returned by /`,
		Summary{Result: logparse.ResultClassified, Cause: cause.TLSVerifyFailed, Status: 500, Level: "error", Upstream: "127.0.0.1:8443", Client: "192.0.2.10"}},
	// Response headers, as 2.4.71 logs them (headers.go); AH01106 after
	// each repeats it.
	{"2.4 header too big", d24 + `[proxy_http:warn] [pid 18099:tid 18139] (28)No space left on device: [client 127.0.0.1:54896] AH10124: header size is over the limit allowed by ResponseFieldSize (8192 bytes). Bad response header: 'X-Huge: aaaa'` + "\n" +
		d24 + `[proxy_http:warn] [pid 18099:tid 18139] [client 127.0.0.1:54896] AH01106: bad HTTP/1.1 header returned by /huge (GET)`,
		failed(cause.HeaderTooBig, 502, "warn", "", "127.0.0.1")},
	{"2.4 header too big alone", d24 + `[proxy_http:warn] [pid 18099:tid 18139] (28)No space left on device: [client 127.0.0.1:54896] AH10124: header size is over the limit allowed by ResponseFieldSize (8192 bytes). Bad response header: 'X-Huge: aaaa'`,
		failed(cause.HeaderTooBig, 502, "warn", "", "127.0.0.1")},
	{"2.4 invalid header", d24 + `[proxy_http:warn] [pid 18099:tid 18126] (22)Invalid argument: [client 127.0.0.1:54910] AH10404: Error reading headers from backend`,
		failed(cause.InvalidHeader, 502, "warn", "", "127.0.0.1")},
	{"2.4 reset while reading headers", d24 + `[proxy_http:error] [pid 1] (104)Connection reset by peer: [client 127.0.0.1:54910] AH10404: Error reading headers from backend`,
		failed(cause.ConnectionReset, 502, "error", "", "127.0.0.1")},
	{"2.4 FastCGI to an HTTP server", d24 + `[proxy_fcgi:error] [pid 19118:tid 19136] [client 127.0.0.1:57010] AH01068: Got bogus version 72` + "\n" +
		d24 + `[proxy_fcgi:error] [pid 19118:tid 19136] (22)Invalid argument: [client 127.0.0.1:57010] AH01075: Error dispatching request to :34651: `,
		failed(cause.ProtocolError, 503, "error", "", "127.0.0.1")},
	{"2.4 lone bad header summary", d24 + `[proxy_http:warn] [pid 18099:tid 18126] [client 127.0.0.1:54910] AH01106: bad HTTP/1.1 header returned by /invalid (GET)`,
		failed(cause.InvalidHeader, 502, "warn", "", "127.0.0.1")},
	// 2.2
	{"2.2 connect refused", d22 + `[error] (111)Connection refused: proxy: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`,
		failed(cause.ConnectionRefused, 503, "error", "127.0.0.1:8080", "")},
	{"2.2 disabling worker", d22 + `[error] ap_proxy_connect_backend disabling worker for (localhost)`,
		failed(cause.MarkedDown, 0, "error", "localhost", "")},
	{"2.2 read timeout", d22 + `[error] [client 192.0.2.10] (70007)The timeout specified has expired: proxy: error reading status line from remote server localhost:8080`,
		failed(cause.ReadTimeout, 502, "error", "localhost:8080", "192.0.2.10")},
	{"2.2 error reading", d22 + `[error] [client 192.0.2.10] proxy: Error reading from remote server returned by /app`,
		failed(cause.PrematureClose, 502, "error", "", "192.0.2.10")},
	{"2.2 DNS", d22 + `[error] [client 192.0.2.10] proxy: DNS lookup failure for: backend.invalid returned by /`,
		failed(cause.DNSFailure, 502, "error", "backend.invalid", "192.0.2.10")},
	{"2.2 balancer", d22 + `[error] [client 192.0.2.10] proxy: BALANCER: (balancer://mycluster). All workers are in error state`,
		failed(cause.NoLiveUpstreams, 503, "error", "mycluster", "192.0.2.10")},
	// Collector prefixes.
	{"docker compose", `apache-1  | ` + d24 + `[proxy:error] [pid 9:tid 11] (111)Connection refused: AH00957: http: attempt to connect to 172.18.0.3:8000 (app) failed`,
		failed(cause.ConnectionRefused, 503, "error", "172.18.0.3:8000", "")},
	{"kubectl prefix and CRI", `[pod/web-0/httpd] 2026-12-02T14:53:06.123456789Z stderr F ` + d24 + `[proxy_http:error] [pid 9:tid 11] [client 10.0.0.1:3456] AH01102: error reading status line from remote server 10.0.0.5:8080`,
		failed(cause.PrematureClose, 502, "error", "10.0.0.5:8080", "10.0.0.1")},
	{"syslog", `Dec  2 14:53:06 web1 httpd[1234]: [proxy:error] [pid 1234] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`,
		failed(cause.ConnectionRefused, 503, "error", "127.0.0.1:8080", "")},
	{"no date", `[proxy:error] [pid 1234:tid 5] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`,
		failed(cause.ConnectionRefused, 503, "error", "127.0.0.1:8080", "")},
	// Not upstream failures.
	{"startup notice", d24 + `[mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations`, ignoredLine},
	{"file not found", d24 + `[core:error] [pid 12] [client 192.0.2.10:51234] AH00128: File does not exist: /var/www/html/favicon.ico`, ignoredLine},
	{"php script unknown in core", d24 + `[core:error] [pid 12] [client 192.0.2.10:51234] AH00037: Symbolic link not allowed or link target not accessible: /var/www/x`, ignoredLine},
	{"ssl info handshake", d24 + `[ssl:info] [pid 12] [remote 127.0.0.1:8443] AH02003: SSL Proxy connect failed`, ignoredLine},
	{"unknown errno connect", d24 + `[proxy:error] [pid 12] (71)Protocol error: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`, ignoredLine},
	{"nginx line", `2026/12/02 14:53:06 [error] 31#31: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4`, ignoredLine},
	{"garbage", `hello world`, Summary{}},
	{"cut in the upstream", d24 + `[proxy:error] [pid 12] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:80`,
		failed(cause.MarkedDown, 0, "error", "", "")},
	{"cut in errno", d24 + `[proxy:error] [pid 12] (111)Connection ref`, ignoredLine},
}

func TestApacheErrorLines(t *testing.T) {
	for _, tc := range apacheCases {
		if got := ClassifyLine(tc.line); got != tc.want {
			t.Errorf("%s: %s\n got: %+v\nwant: %+v", tc.name, tc.line, got, tc.want)
		}
	}
}

func TestApacheLooksLike(t *testing.T) {
	for line, want := range map[string]bool{
		apacheCases[0].line:  true,
		apacheCases[24].line: true, // 2.2
		`[proxy:error] [pid 1234:tid 5] (111)Connection refused: AH00957: x`:               true,
		`2026/12/02 14:53:06 [error] 31#31: *1 connect() failed (111: Connection refused)`: false,
		`nginx: [emerg] host not found in upstream "app:3000"`:                             false,
		`hello [world]`: false,
	} {
		if got := LooksLike([]byte(line)); got != want {
			t.Errorf("LooksLike(%s) = %v, want %v", line, got, want)
		}
	}
}
