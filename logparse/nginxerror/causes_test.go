package nginxerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

var nginxResponseCausesCases = []nginxCase{
	{"no live upstreams: group name", ts + `[error] 31#31: *401 no live upstreams while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "http://backend_pool/api/cart", host: "shop.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.NoLiveUpstreams, Status: 502, ConnID: 401, Level: "error",
			Upstream: "backend_pool", Server: "shop.example.com", Client: "192.0.2.10", Request: "GET /api/cart HTTP/1.1", Host: "shop.example.com"}},
	{"too big header", ts + `[error] 7#7: *402 upstream sent too big header while reading response header from upstream` + phpTail,
		php(cause.HeaderTooBig, 502, 402, "error")},
	{"invalid header", ts + `[error] 31#31: *403 upstream sent invalid header: "X-Debug\x0D..." while reading response header from upstream` + shopTail,
		shop(cause.InvalidHeader, 502, 403, "error")},
	{"invalid header pre-1.21.1", ts + `[error] 31#31: *404 upstream sent invalid header while reading response header from upstream` + shopTail,
		shop(cause.InvalidHeader, 502, 404, "error")},
	{"invalid status fastcgi", ts + `[error] 7#7: *405 upstream sent invalid status "abc" while reading response header from upstream` + phpTail,
		php(cause.InvalidHeader, 502, 405, "error")},
	{"duplicate Content-Length", ts + `[error] 31#31: *406 upstream sent duplicate header line: "Content-Length: 12", previous value: "Content-Length: 10" while reading response header from upstream` + shopTail,
		shop(cause.InvalidHeader, 502, 406, "error")},
	{"CL and TE", ts + `[error] 31#31: *407 upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time while reading response header from upstream` + shopTail,
		shop(cause.InvalidHeader, 502, 407, "error")},
	{"unknown TE", ts + `[error] 31#31: *408 upstream sent unknown "Transfer-Encoding": "gzip, chunked" while reading response header from upstream` + shopTail,
		shop(cause.InvalidHeader, 502, 408, "error")},
	{"invalid Content-Length", ts + `[error] 31#31: *409 upstream sent invalid "Content-Length" header: "Content-Length: -1" while reading response header from upstream` + shopTail,
		shop(cause.InvalidHeader, 502, 409, "error")},
	{"HTTP/0.9 passthrough", ts + `[error] 31#31: *410 upstream sent no valid HTTP/1.0 header while reading response header from upstream` + shopTail,
		shop(cause.ProtocolError, 0, 410, "error")},
	{"FastCGI record", ts + `[error] 7#7: *411 upstream sent unexpected FastCGI record: 3 while reading response header from upstream` + phpTail,
		php(cause.ProtocolError, 502, 411, "error")},
	{"FastCGI version", ts + `[error] 7#7: *412 upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream` + phpTail,
		php(cause.ProtocolError, 502, 412, "error")},
	{"FastCGI request id", ts + `[error] 7#7: *413 upstream sent unexpected FastCGI request id high byte: 1 while reading response header from upstream` + phpTail,
		php(cause.ProtocolError, 502, 413, "error")},
	{"bad chunked body", ts + `[error] 31#31: *414 upstream sent invalid chunked response while reading upstream` + shopTail,
		shop(cause.ProtocolError, 0, 414, "error")},
	{"grpc rejected", ts + `[error] 31#31: *415 upstream rejected request with error 2 while reading response header from upstream, client: 192.0.2.10, server: grpc.example.com, request: "POST /helloworld.Greeter/SayHello HTTP/2.0", upstream: "grpc://10.0.0.6:50051", host: "grpc.example.com:443"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ProtocolError, Status: 502, ConnID: 415, Level: "error",
			Upstream: "10.0.0.6:50051", Server: "grpc.example.com", Client: "192.0.2.10", Request: "POST /helloworld.Greeter/SayHello HTTP/2.0", Host: "grpc.example.com:443"}},
	{"TLS to plain port", ts + `[error] 31#31: *416 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream` + shopTail,
		shop(cause.TLSHandshakeFailed, 502, 416, "error")},
	{"TLS crit", ts + `[crit] 31#31: *417 SSL_do_handshake() failed (SSL: error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream` + shopTail,
		shop(cause.TLSHandshakeFailed, 502, 417, "crit")},
	{"TLS peer closed", ts + `[error] 31#31: *418 peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream` + shopTail,
		shop(cause.TLSHandshakeFailed, 502, 418, "error")},
	{"TLS verify", ts + `[error] 31#31: *419 upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream` + shopTail,
		shop(cause.TLSVerifyFailed, 502, 419, "error")},
	{"TLS name", ts + `[error] 31#31: *420 upstream SSL certificate does not match "api.internal" while SSL handshaking to upstream` + shopTail,
		shop(cause.TLSVerifyFailed, 502, 420, "error")},
	{"marked down", ts + `[warn] 31#31: *421 upstream server temporarily disabled while reading response header from upstream` + shopTail,
		shop(cause.MarkedDown, 0, 421, "warn")},
	{"FastCGI stderr one line", ts + `[error] 7#7: *422 FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream` + phpTail,
		php(cause.FastCGIStderr, 0, 422, "error")},
}

func TestNginxResponseCauses(t *testing.T) { runNginxCases(t, nginxResponseCausesCases) }

var nginxDNSConfigResourcesCases = []nginxCase{
	{"runtime resolve", ts + `[error] 31#31: *501 api.internal could not be resolved (3: Host not found), client: 192.0.2.10, server: shop.example.com, request: "GET /api HTTP/1.1", host: "shop.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.DNSFailure, Status: 502, ConnID: 501, Level: "error",
			Upstream: "api.internal", Server: "shop.example.com", Client: "192.0.2.10", Request: "GET /api HTTP/1.1", Host: "shop.example.com"}},
	{"resolver timed out", ts + `[error] 29738#29738: *147 ups_1.com could not be resolved (110: Operation timed out), client: 127.0.0.1, server: , request: "GET / HTTP/1.1", host: "localhost"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.DNSFailure, Status: 502, ConnID: 147, Level: "error",
			Upstream: "ups_1.com", Client: "127.0.0.1", Request: "GET / HTTP/1.1", Host: "localhost"}},
	{"no resolver", ts + `[error] 31#31: *502 no resolver defined to resolve backend.svc.cluster.local, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.DNSFailure, Status: 502, ConnID: 502, Level: "error",
			Upstream: "backend.svc.cluster.local", Server: "shop.example.com", Client: "192.0.2.10", Request: "GET / HTTP/1.1", Host: "shop.example.com"}},
	{"resolver socket", ts + `[error] 29738#29738: recv() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53`,
		Summary{Result: logparse.ResultClassified, Cause: cause.DNSFailure, Level: "error"}},
	{"unexpected DNS response", ts + `[error] 31#31: unexpected DNS response for api.internal`,
		Summary{Result: logparse.ResultClassified, Cause: cause.DNSFailure, Level: "error", Upstream: "api.internal"}},
	{"dynamic servers module", ts + `[error] 695#0: upstream-dynamic-servers: 'backend.example.com' could not be resolved (3: Host not found)`,
		Summary{Result: logparse.ResultClassified, Cause: cause.DNSFailure, Level: "error", Upstream: "backend.example.com"}},
	{"config host not found", ts + `[emerg] 1#1: host not found in upstream "app:3000" in /etc/nginx/conf.d/default.conf:12`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConfigHostNotFound, Level: "emerg", Upstream: "app:3000"}},
	{"config host not found stderr", `nginx: [emerg] host not found in upstream "tomcat" in /etc/nginx/nginx.conf:44`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConfigHostNotFound, Level: "emerg", Upstream: "tomcat"}},
	{"config host not found unquoted", ts + `[emerg] 1#1: host not found in upstream hostname.example.com in /etc/nginx/conf.d/app.conf:26`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConfigHostNotFound, Level: "emerg", Upstream: "hostname.example.com"}},
	{"worker_connections on upstream connect", ts + `[alert] 31#31: *503 768 worker_connections are not enough while connecting to upstream` + shopTail,
		shop(cause.ProxyResourceExhausted, 500, 503, "alert")},
	{"worker_connections on accept", ts + `[alert] 31#31: 1024 worker_connections are not enough`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ProxyResourceExhausted, Level: "alert"}},
	{"socket() out of fds", ts + `[alert] 31#31: *504 socket() failed (24: Too many open files) while connecting to upstream` + shopTail,
		shop(cause.ProxyResourceExhausted, 500, 504, "alert")},
	{"accept4 out of fds", ts + `[crit] 31#31: accept4() failed (24: No file descriptors available)`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ProxyResourceExhausted, Level: "crit"}},
}

func TestNginxDNSConfigResources(t *testing.T) { runNginxCases(t, nginxDNSConfigResourcesCases) }

// connectTail is the context of a CONNECT request to ngx_http_proxy_connect_module.
const connectTail = `, client: 127.0.0.1, server: , request: "CONNECT www.example.org:443 HTTP/1.1", host: "www.example.org:443"`

func connectReq(cause cause.Cause, status int, conn uint64, upstream string) Summary {
	return Summary{Result: logparse.ResultClassified, Cause: cause, Status: status, ConnID: conn, Level: "error",
		Upstream: upstream, Client: "127.0.0.1", Request: "CONNECT www.example.org:443 HTTP/1.1", Host: "www.example.org:443"}
}

var nginxThirdPartyModulesCases = []nginxCase{
	{"proxy_connect unreachable", ts + `[error] 19257#0: *601 proxy_connect: upstream connect failed (101: Network is unreachable) while connecting to upstream` + connectTail,
		connectReq(cause.NetworkUnreachable, 502, 601, "")},
	{"proxy_connect connect timeout", ts + `[error] 19257#0: *602 proxy_connect: upstream connect timed out (peer:93.184.216.34:443) while connecting to upstream` + connectTail,
		connectReq(cause.ConnectTimeout, 504, 602, "93.184.216.34:443")},
	{"proxy_connect read timeout", ts + `[error] 19257#0: *603 proxy_connect: upstream read timed out (peer:93.184.216.34:443) while connecting to upstream` + connectTail,
		connectReq(cause.ReadTimeout, 504, 603, "93.184.216.34:443")},
	{"proxy_connect resolve", ts + `[error] 19257#0: *604 proxy_connect: www.example.org could not be resolved (3: Host not found)` + connectTail,
		connectReq(cause.DNSFailure, 502, 604, "www.example.org")},
	{"OpenResty timer", ts + `[error] 695#0: connect() to 127.255.255.255:9002 failed (101: Network is unreachable), context: ngx.timer`,
		Summary{Result: logparse.ResultClassified, Cause: cause.NetworkUnreachable, Level: "error", Upstream: "127.255.255.255:9002"}},
	{"ingress-nginx", `2023/03/08 16:02:40 [error] 31#31: *569 upstream timed out (110: Operation timed out) while connecting to upstream, client: 108.162.227.25, server: dev.example.com, request: "GET / HTTP/1.1", upstream: "http://192.168.215.1:80/", host: "dev.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConnectTimeout, Status: 504, ConnID: 569, Level: "error",
			Upstream: "192.168.215.1:80", Server: "dev.example.com", Client: "108.162.227.25", Request: "GET / HTTP/1.1", Host: "dev.example.com"}},
}

func TestNginxThirdPartyModules(t *testing.T) { runNginxCases(t, nginxThirdPartyModulesCases) }

// Every nginx cause of the taxonomy is produced by at least one case above.
func TestNginxCoversTaxonomy(t *testing.T) {
	haproxyOnly := map[cause.Cause]bool{cause.ProxyInternalError: true, cause.QueueTimeout: true, cause.UnhealthyStatus: true}
	seen := map[cause.Cause]bool{}
	for _, line := range nginxSeedLines() {
		seen[ClassifyLine(line).Cause] = true
	}
	for _, c := range cause.All() {
		if !haproxyOnly[c] && !seen[c] {
			t.Errorf("no seed line classified as %s", c)
		}
	}
}
