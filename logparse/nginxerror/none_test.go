package nginxerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// ignoredLine is what an nginx line that is not an upstream failure gives.
var ignoredLine = Summary{Result: logparse.ResultIgnored}

// Lines that are nginx's but not upstream failures, most of them with the
// word "upstream" in them (causes.md §3.1 rules 2 and 3).
var nginxNoneCases = []nginxCase{
	{"static open() with upstream field", ts + `[error] 31#31: *701 open() "/usr/share/nginx/html/50x.html" failed (2: No such file or directory)` + shopTail,
		ignoredLine},
	{"client closed, upstream closed too", ts + `[info] 31#31: *702 client prematurely closed connection, so upstream connection is closed too while sending request to upstream` + shopTail,
		ignoredLine},
	{"epoll client closed", ts + `[info] 31#31: *703 epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream` + shopTail,
		ignoredLine},
	{"kqueue client closed", ts + `[info] 812#100123: *704 kevent() reported that client prematurely closed connection, so upstream connection is closed too (54: Connection reset by peer) while reading response header from upstream` + shopTail,
		ignoredLine},
	{"client closed while reading upstream", ts + `[info] 31#31: *705 client prematurely closed connection while reading upstream` + shopTail,
		ignoredLine},
	{"downstream TLS", ts + `[crit] 31#31: *706 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 198.51.100.4, server: 0.0.0.0:443`,
		ignoredLine},
	{"downstream TLS peer closed", ts + `[info] 31#31: *707 peer closed connection in SSL handshake while SSL handshaking, client: 198.51.100.4, server: 0.0.0.0:443`,
		ignoredLine},
	{"buffered to temp file", ts + `[warn] 31#31: *708 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream` + shopTail,
		ignoredLine},
	{"duplicate header ignored", ts + `[warn] 31#31: *709 upstream sent duplicate header line: "Cache-Control: no-cache", previous value: "Cache-Control: private", ignored while reading response header from upstream` + shopTail,
		ignoredLine},
	{"duplicate header ignored, no level", `*710 upstream sent duplicate header line: "Location: /b", previous value: "Location: /a", ignored while reading response header from upstream` + shopTail,
		ignoredLine},
	{"more data than Content-Length", ts + `[warn] 31#31: *711 upstream sent more data than specified in "Content-Length" header while reading upstream` + shopTail,
		ignoredLine},
	{"limit_req", ts + `[error] 31#31: *712 limiting requests, excess: 20.500 by zone "api", client: 192.0.2.10, server: shop.example.com, request: "GET /api HTTP/1.1", host: "shop.example.com"`,
		ignoredLine},
	{"too large body", ts + `[error] 31#31: *713 client intended to send too large body: 10485761 bytes, client: 192.0.2.10, server: shop.example.com, request: "POST /upload HTTP/1.1", host: "shop.example.com"`,
		ignoredLine},
	{"client reset while reading headers", ts + `[info] 31#31: *714 recv() failed (104: Connection reset by peer) while reading client request headers, client: 192.0.2.10, server: 0.0.0.0:80`,
		ignoredLine},
	{"client reset at error level", ts + `[error] 31#31: *715 recv() failed (104: Connection reset by peer) while reading client request headers, client: 192.0.2.10, server: 0.0.0.0:80`,
		ignoredLine},
	{"client gone while sending", ts + `[error] 31#31: *716 writev() failed (32: Broken pipe) while sending to client` + shopTail,
		ignoredLine},
	{"client reset on upgraded connection", ts + `[info] 31#31: *717 recv() failed (104: Connection reset by peer) while proxying upgraded connection` + shopTail,
		ignoredLine},
	{"syslog connect", ts + `[error] 31#31: connect() failed (111: Connection refused) while logging to syslog, server: 10.0.0.2:514`,
		ignoredLine},
	{"OCSP responder", ts + `[error] 31#31: connect() to 203.0.113.7:80 failed (111: Connection refused) while requesting certificate status, responder: ocsp.example.net, peer: 203.0.113.7:80, certificate: "/etc/ssl/site.pem"`,
		ignoredLine},
	{"startup emerg", ts + `[emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)`, ignoredLine},
	{"upstream block config", ts + `[emerg] 1#1: no servers are inside upstream in /etc/nginx/conf.d/default.conf:55`, ignoredLine},
	{"resolver host in config", ts + `[emerg] 1#1: host not found in resolver "dns.internal" in /etc/nginx/nginx.conf:20`, ignoredLine},
	{"notice", ts + `[notice] 1#1: start worker process 31`, ignoredLine},
	{"lua log", ts + `[error] 7#7: *718 [lua] balancer.lua:245: failed to connect to upstream: connection refused, client: 192.0.2.10, server: _, request: "GET / HTTP/1.1", host: "a.example.com"`,
		ignoredLine},
	{"early hints info", ts + `[info] 31#31: *719 upstream sent too big early hints while reading response header from upstream` + shopTail,
		ignoredLine},
	{"client timed out", ts + `[info] 31#31: *720 client timed out (110: Connection timed out) while waiting for request, client: 192.0.2.10, server: 0.0.0.0:443`,
		ignoredLine},
	{"keepalive closed", ts + `[info] 31#31: *721 client 192.0.2.10 closed keepalive connection`, ignoredLine},
	{"word upstream only", ts + `[warn] 31#31: *722 upstream "backend" may not have port 8080 in /etc/nginx/conf.d/a.conf:3`, ignoredLine},
	{"unknown errno on connect", ts + `[crit] 31#31: *723 connect() to 10.0.0.5:8080 failed (22: Invalid argument) while connecting to upstream` + shopTail,
		ignoredLine},
	{"proxy_connect client closed", ts + `[info] 19257#0: *724 proxy_connect: client prematurely closed connection, so upstream connection is closed too` + connectTail,
		ignoredLine},
}

func TestNginxNone(t *testing.T) { runNginxCases(t, nginxNoneCases) }

var nginxUnrecognizedCases = []nginxCase{
	{"empty", "", Summary{}},
	{"access log line", `192.0.2.10 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.5.0"`, Summary{}},
	{"other program", `Starting php-fpm: [ OK ]`, Summary{}},
	{"binary", "\x00\xff\xfe[\x01]\x80 upstream timed", Summary{}},
	{"bracket but no level", `[something] 31#31: *1 upstream timed out`, Summary{}},
}

func TestNginxUnrecognized(t *testing.T) { runNginxCases(t, nginxUnrecognizedCases) }
