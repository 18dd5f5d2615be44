package main

import "strings"

// effect is what one written line must do to the exporter's metrics: the
// tool adds these up per line written, so its expected totals are exact.
type effect struct {
	result    string   // badgateway_log_lines_total result: classified, ignored, unrecognized
	cause     string   // badgateway_upstream_errors_total cause, "" for none
	request   bool     // one badgateway_requests_total increment ...
	status    string   // ... with this status
	generated bool     // also badgateway_proxy_generated_responses_total
	attempts  []string // badgateway_upstream_attempts_total statuses (nginx access log)
	health    bool     // one badgateway_upstream_health_events_total increment
}

// template is one kind of line; {time}, {ip}, {port} and {n} are filled in
// when it is written (a fresh time per batch, a sequence number per line).
type template struct {
	weight int
	text   string
	effect effect
}

// Realistic lines, modelled on examples/logs: upstream failures of several
// causes, requests with retries and failovers, and the noise around them.
var errorLogTemplates = []template{
	{8, `{time} [error] 31#31: *{n} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: shop.example.com, request: "GET /cart HTTP/1.1", upstream: "http://10.0.2.14:8080/cart", host: "shop.example.com"`, effect{result: "classified", cause: "connection_refused"}},
	{5, `{time} [error] 32#32: *{n} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: api.example.com, request: "GET /v1/reports?year=2026 HTTP/1.1", upstream: "http://10.0.3.5:9000/v1/reports?year=2026", host: "api.example.com"`, effect{result: "classified", cause: "read_timeout"}},
	{4, `{time} [error] 32#32: *{n} upstream prematurely closed connection while reading response header from upstream, client: {ip}, server: api.example.com, request: "POST /v1/upload HTTP/1.1", upstream: "http://10.0.3.6:9000/v1/upload", host: "api.example.com"`, effect{result: "classified", cause: "premature_close"}},
	{3, `{time} [error] 32#32: *{n} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: {ip}, server: api.example.com, request: "GET /v1/users/7 HTTP/1.1", upstream: "http://10.0.3.6:9000/v1/users/7", host: "api.example.com"`, effect{result: "classified", cause: "connection_reset"}},
	{2, `{time} [error] 31#31: *{n} upstream timed out (110: Connection timed out) while connecting to upstream, client: {ip}, server: shop.example.com, request: "GET /search HTTP/1.1", upstream: "http://10.0.2.16:8080/search", host: "shop.example.com"`, effect{result: "classified", cause: "connect_timeout"}},
	{2, `{time} [error] 31#31: *{n} no live upstreams while connecting to upstream, client: {ip}, server: shop.example.com, request: "POST /checkout HTTP/1.1", upstream: "http://shop_backend/checkout", host: "shop.example.com", referrer: "https://shop.example.com/cart"`, effect{result: "classified", cause: "no_live_upstreams"}},
	{1, `{time} [crit] 31#31: *{n} connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: {ip}, server: blog.example.com, request: "GET /index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "blog.example.com"`, effect{result: "classified", cause: "socket_not_found"}},
	{1, `{time} [error] 31#31: *{n} SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream, client: {ip}, server: pay.example.com, request: "POST /charge HTTP/1.1", upstream: "https://10.0.4.2:8443/charge", host: "pay.example.com"`, effect{result: "classified", cause: "tls_handshake_failed"}},
	{1, `{time} [error] 31#31: *{n} backend.internal could not be resolved (3: Host not found), client: {ip}, server: app.example.com, request: "GET /api HTTP/1.1", host: "app.example.com"`, effect{result: "classified", cause: "dns_failure"}},
	{2, `{time} [warn] 31#31: *{n} upstream server temporarily disabled while connecting to upstream, client: {ip}, server: shop.example.com, request: "GET /cart HTTP/1.1", upstream: "http://10.0.2.14:8080/cart", host: "shop.example.com"`, effect{result: "classified", health: true}},
	{4, `{time} [error] 31#31: *{n} open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: {ip}, server: shop.example.com, request: "GET /favicon.ico HTTP/1.1", host: "shop.example.com"`, effect{result: "ignored"}},
	{3, `{time} [info] 31#31: *{n} client prematurely closed connection, so upstream connection is closed too while sending request to upstream, client: {ip}, server: api.example.com, request: "GET /v1/stream HTTP/1.1", upstream: "http://10.0.3.5:9000/v1/stream", host: "api.example.com"`, effect{result: "ignored"}},
	{2, `{time} [warn] 31#31: *{n} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: {ip}, server: api.example.com, request: "GET /v1/export HTTP/1.1", upstream: "http://10.0.3.5:9000/v1/export", host: "api.example.com"`, effect{result: "ignored"}},
	{1, `{time} [notice] 1#1: signal process started`, effect{result: "ignored"}},
	{1, `this line is not from nginx at all {n}`, effect{result: "unrecognized"}},
}

// accessLogFormat is the inline log_format of the access log.
const accessLogFormat = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $server_name $request_time $upstream_addr $upstream_status $upstream_response_time $upstream_header_time $upstream_connect_time`

var accessLogTemplates = []template{
	{60, `{ip} - - [{time}] "GET /api/v1/items/{n} HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)" shop.example.com 0.004 10.0.2.14:8080 200 0.004 0.003 0.001`, effect{result: "classified", request: true, status: "200", attempts: []string{"200"}}},
	{8, `{ip} - - [{time}] "GET /cart HTTP/1.1" 200 2 "-" "Go-http-client/1.1" shop.example.com 0.010 10.0.2.15:8080, 10.0.2.14:8080 502, 200 0.001, 0.008 -, 0.007 -, 0.001`, effect{result: "classified", request: true, status: "200", attempts: []string{"502", "200"}}},
	{4, `{ip} - - [{time}] "GET /cart HTTP/1.1" 502 157 "-" "Go-http-client/1.1" shop.example.com 0.001 10.0.2.15:8080, 10.0.2.16:8080 502, 502 0.000, 0.001 -, - -, -`, effect{result: "classified", request: true, status: "502", generated: true, attempts: []string{"502", "502"}}},
	{2, `{ip} - - [{time}] "POST /checkout HTTP/1.1" 502 157 "https://shop.example.com/cart" "Mozilla/5.0" shop.example.com 0.000 shop_backend 502 0.000 - -`, effect{result: "classified", request: true, status: "502", generated: true, attempts: []string{"502"}}},
	{3, `{ip} - - [{time}] "POST /v1/upload HTTP/1.1" 502 17 "-" "curl/8.5.0" api.example.com 0.012 10.0.3.6:9000 502 0.012 0.012 0.001`, effect{result: "classified", request: true, status: "502", attempts: []string{"502"}}},
	{3, `{ip} - - [{time}] "GET /v1/reports?year=2026 HTTP/1.1" 504 167 "-" "curl/8.5.0" api.example.com 60.001 10.0.3.5:9000 504 60.001 - 0.001`, effect{result: "classified", request: true, status: "504", generated: true, attempts: []string{"504"}}},
	{2, `{ip} - - [{time}] "GET /pay HTTP/1.1" 200 2 "-" "Go-http-client/1.1" pay.example.com 0.003 10.0.4.2:8443 : 10.0.2.14:8080 502 : 200 0.001 : 0.003 - : 0.003 - : 0.001`, effect{result: "classified", request: true, status: "200", attempts: []string{"502", "200"}}},
	{1, `{ip} - - [{time}] "GET /maintenance HTTP/1.1" 502 157 "-" "Go-http-client/1.1" shop.example.com 0.000 - - - - -`, effect{result: "classified", request: true, status: "502", generated: true}},
	{3, `{ip} - - [{time}] "GET /favicon.ico HTTP/1.1" 404 153 "-" "Mozilla/5.0" shop.example.com 0.000 - - - - -`, effect{result: "classified", request: true, status: "404"}},
	{1, `{ip} - - [{time}] "GET /legacy HTTP/1.1" 200 612 "-" "Mozilla/5.0"`, effect{result: "unrecognized"}},
}

// syslogTemplates are HAProxy `option httplog` messages and server state
// changes, sent by RFC 3164 syslog with the tag haproxy.
var syslogTemplates = []template{
	{60, `{ip}:{port} [{time}] fe_http be_app/app1 0/0/1/3/4 200 512 - - ---- 12/12/3/1/0 0/0 "GET /api/v1/items/{n} HTTP/1.1"`, effect{result: "ignored", request: true, status: "200"}},
	{6, `{ip}:{port} [{time}] fe_http be_app/app2 0/0/-1/-1/3003 503 217 - - SC-- 12/12/3/1/3 0/0 "GET /cart HTTP/1.1"`, effect{result: "classified", cause: "connection_refused", request: true, status: "503"}},
	{5, `{ip}:{port} [{time}] fe_http be_app/app1 0/0/0/-1/0 502 209 - - SH-- 12/12/3/1/0 0/0 "POST /v1/upload HTTP/1.1"`, effect{result: "classified", cause: "premature_close", request: true, status: "502"}},
	{4, `{ip}:{port} [{time}] fe_http be_reports/app1 0/0/0/-1/30000 504 198 - - sH-- 12/12/3/1/0 0/0 "GET /v1/reports HTTP/1.1"`, effect{result: "classified", cause: "read_timeout", request: true, status: "504"}},
	{2, `{ip}:{port} [{time}] fe_http be_app/app1 0/0/0/-1/0 502 209 - - PH-- 12/12/3/1/0 0/0 "GET /badhdr HTTP/1.1"`, effect{result: "classified", cause: "invalid_header", request: true, status: "502"}},
	{2, `{ip}:{port} [{time}] fe_http be_export/app1 0/0/0/0/201 200 62 - - SD-- 12/12/3/1/0 0/0 "GET /v1/export HTTP/1.1"`, effect{result: "classified", cause: "connection_reset", request: true, status: "200"}},
	{2, `{ip}:{port} [{time}] fe_http be_queue/<NOSRV> 0/300/-1/-1/300 503 217 - - sQ-- 12/12/3/0/0 0/1 "GET /queue HTTP/1.1"`, effect{result: "classified", cause: "queue_timeout", request: true, status: "503"}},
	{1, `Server be_app/app2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`, effect{result: "classified", health: true}},
	{1, `backend be_down has no server available!`, effect{result: "classified", cause: "no_live_upstreams", health: true}},
}

// schedule expands the weights into a cycle of template indexes (as long as
// the weights' sum) in which every template appears early on.
func schedule(ts []template) []int {
	var order []int
	for round := 0; ; round++ {
		added := false
		for i, t := range ts {
			if round < t.weight {
				order = append(order, i)
				added = true
			}
		}
		if !added {
			return order
		}
	}
}

// lineVars are the values substituted into a template.
type lineVars struct {
	time []byte
	n    uint64
}

// render appends the line of t to dst, without the newline.
func render(dst []byte, text string, v *lineVars) []byte {
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			return append(dst, text...)
		}
		dst = append(dst, text[:i]...)
		text = text[i:]
		switch {
		case strings.HasPrefix(text, "{time}"):
			dst, text = append(dst, v.time...), text[len("{time}"):]
		case strings.HasPrefix(text, "{ip}"):
			dst = appendIP(dst, v.n)
			text = text[len("{ip}"):]
		case strings.HasPrefix(text, "{port}"):
			dst, text = appendUint(dst, 1024+v.n%60000), text[len("{port}"):]
		case strings.HasPrefix(text, "{n}"):
			dst, text = appendUint(dst, v.n), text[len("{n}"):]
		default:
			dst, text = append(dst, '{'), text[1:]
		}
	}
}

// appendIP writes a client address from the documentation ranges.
func appendIP(dst []byte, n uint64) []byte {
	dst = append(dst, "203.0.113."...)
	return appendUint(dst, 1+n%254)
}

func appendUint(dst []byte, n uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}
