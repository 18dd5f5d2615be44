package nginxerror

import "testing"

func TestNormalizeUpstream(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		cut  bool
		want string
	}{
		{"http://10.0.0.5:8080/api/cart?id=7", false, "10.0.0.5:8080"},
		{"https://api.internal:443/", false, "api.internal:443"},
		{"http://[2001:db8::5]:8080/x", false, "[2001:db8::5]:8080"},
		{"http://[::1]:9000", false, "[::1]:9000"},
		{"fastcgi://unix:/run/php/php8.2-fpm.sock:", false, "unix:/run/php/php8.2-fpm.sock"},
		{"http://unix:/srv/app/puma.sock:/users/1", false, "unix:/srv/app/puma.sock"},
		{"fastcgi://unix:///var/run/php-fpm.sock", false, "unix:///var/run/php-fpm.sock"},
		{"uwsgi://unix:/tmp/uwsgi.sock:", false, "unix:/tmp/uwsgi.sock"},
		{"grpc://10.0.0.6:50051", false, "10.0.0.6:50051"},
		{"fastcgi://127.0.0.1:9000", false, "127.0.0.1:9000"},
		{"10.0.0.8:5432", false, "10.0.0.8:5432"}, // stream: no scheme
		{"unix:/run/redis.sock", false, "unix:/run/redis.sock"},
		{"http://backend_pool/api/cart", false, "backend_pool"}, // no live upstreams: group
		{"http://localhost/", false, "localhost"},
		{"xxx", false, "xxx"}, // redacted, as written
		{"http://xxx/", false, "xxx"},
		{"http://IPADDRESS:port/path", false, "IPADDRESS:port"},
		{"http://<ip>:8080/", false, "<ip>:8080"},
		{"<ip>", false, "<ip>"},
		{"http://10.0.0.5:80", true, ""}, // cut: was it :80 or :8080?
		{"http://10.0.0.5:8080/se", true, "10.0.0.5:8080"},
		{"fastcgi://unix:/run/php/php8", true, ""},
		{"fastcgi://unix:/run/php/php8.2-fpm.sock:", true, "unix:/run/php/php8.2-fpm.sock"},
		{"", false, ""},
	} {
		if got := string(normalizeUpstream([]byte(tc.raw), tc.cut)); got != tc.want {
			t.Errorf("normalizeUpstream(%q, cut=%v) = %q, want %q", tc.raw, tc.cut, got, tc.want)
		}
	}
}

func TestParseNginxFields(t *testing.T) {
	for _, tc := range []struct {
		tail                                    string
		client, server, request, upstream, host string
		stream                                  bool
	}{
		{shopTail, "192.0.2.10", "shop.example.com", "GET /api/cart?id=7 HTTP/1.1", "http://10.0.0.5:8080/api/cart?id=7", "shop.example.com", false},
		{`, client: 10.1.2.3, server: , request: "GET / HTTP/1.1", subrequest: "/auth", upstream: "http://10.0.0.9:9000/auth", host: "a"`,
			"10.1.2.3", "", "GET / HTTP/1.1", "http://10.0.0.9:9000/auth", "a", false},
		{`, udp client: 10.1.2.3, server: 0.0.0.0:53, upstream: "10.0.0.53:53", bytes from/to client:40/0, bytes from/to upstream:0/40`,
			"10.1.2.3", "0.0.0.0:53", "", "10.0.0.53:53", "", true},
		{`, client: unix:, server: localhost, request: "GET / HTTP/1.1", host: "localhost"`, "unix:", "localhost", "GET / HTTP/1.1", "", "localhost", false},
		{`, client: 10.1.2.3, server: x, request: "GET /a HTTP/1.1", host: "x`, "10.1.2.3", "x", "GET /a HTTP/1.1", "", "x", false},
	} {
		f := parseNginxFields([]byte(tc.tail))
		if string(f.client) != tc.client || string(f.server) != tc.server || string(f.request) != tc.request ||
			string(f.upstreamRaw) != tc.upstream || string(f.host) != tc.host || f.stream != tc.stream {
			t.Errorf("%s:\n got client=%q server=%q request=%q upstream=%q host=%q stream=%v", tc.tail,
				f.client, f.server, f.request, f.upstreamRaw, f.host, f.stream)
		}
	}
}

func TestParsePhase(t *testing.T) {
	for _, tc := range []struct {
		action string
		cut    bool
		want   phase
	}{
		{"connecting to upstream", false, phaseConnect},
		{"SSL handshaking to upstream", false, phaseUpstreamTLS},
		{"SSL handshaking", false, phaseOther},
		{"SSL handshaking", true, phaseUnknown}, // could still become "… to upstream"
		{"reading resp", true, phaseHeader},
		{"reading", true, phaseUnknown},
		{"reading upstream", false, phaseBody},
		{"sending AUTH to upstream", false, phaseSend},
		{"logging to syslog", false, phaseOther},
		{"", false, phaseUnknown},
	} {
		if got := parsePhase([]byte(tc.action), tc.cut); got != tc.want {
			t.Errorf("parsePhase(%q, %v) = %d, want %d", tc.action, tc.cut, got, tc.want)
		}
	}
}

func TestFindErrno(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
		ok   bool
	}{
		{"connect() failed (111: Connection refused)", 111, true},
		{"proxy_connet: upstream connect failed (kevent) (61: Connection refused)", 61, true},
		{"SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)", 0, false},
		{"connect() to [2001:db8::1]:80 failed (101: Network unreachable)", 101, true},
		{"recv() failed (", 0, false},
	} {
		got, ok := findErrno([]byte(tc.text))
		if got != tc.want || ok != tc.ok {
			t.Errorf("findErrno(%q) = %d, %v", tc.text, got, ok)
		}
	}
}
