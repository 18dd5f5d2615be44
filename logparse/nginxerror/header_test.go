package nginxerror

import (
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// The line every prefix case wraps.
const refusedLine = `[error] 31#31: *801 connect() failed (111: Connection refused) while connecting to upstream` + shopTail

var nginxPrefixCases = []nginxCase{
	{"plain", ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"docker-compose", "nginx_1  | " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"docker-compose v2", "web-nginx-1  | " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"RFC 3339", "2024-05-01T10:00:00.123456789Z " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"CRI", "2024-05-01T10:00:00.123456789+00:00 stderr F " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"kubectl --prefix", "[pod/ingress-nginx-controller-7f9c5d7b9c-x2k4d/controller] " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"stern", "ingress-nginx-controller-7f9c5d7b9c-x2k4d controller " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"syslog", "May  1 10:00:00 web1 nginx: " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"Rancher", "today at 10:00 nginx.1 | " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"stacked prefixes", "2024-05-01T10:00:00Z [pod/web-0/nginx] " + ts + refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"no date", refusedLine, shop(cause.ConnectionRefused, 502, 801, "error")},
	{"CRLF", ts + refusedLine + "\r", shop(cause.ConnectionRefused, 502, 801, "error")},
	{"no header", `connect() failed (111: Connection refused) while connecting to upstream` + shopTail, shop(cause.ConnectionRefused, 502, 0, "")},
	{"no header, conn id", `*801 connect() failed (111: Connection refused) while connecting to upstream` + shopTail, shop(cause.ConnectionRefused, 502, 801, "")},
	{"cut before client", ts + `[error] 31#31: *802 upstream timed out (110: Connection timed out) while reading response header from upstream`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ReadTimeout, Status: 504, ConnID: 802, Level: "error"}},
	{"cut in action", ts + `[error] 31#31: *803 upstream timed out (110: Connection timed out) while sending requ`,
		Summary{Result: logparse.ResultClassified, Cause: cause.SendTimeout, Status: 504, ConnID: 803, Level: "error"}},
	{"fragment, no header, no tail", `upstream prematurely closed connection while reading response header from upstream`,
		Summary{Result: logparse.ResultClassified, Cause: cause.PrematureClose, Status: 502}},
	{"cut in request keeps connect() peer", ts + `[error] 31#31: *804 connect() to 10.0.0.5:8080 failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET /search?q=aaaaaaaa`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ConnectionRefused, Status: 502, ConnID: 804, Level: "error",
			Upstream: "10.0.0.5:8080", Server: "shop.example.com", Client: "192.0.2.10", Request: "GET /search?q=aaaaaaaa"}},
	{"cut in upstream authority drops it", ts + `[error] 31#31: *805 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://10.0.0.5:80`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ReadTimeout, Status: 504, ConnID: 805, Level: "error",
			Server: "shop.example.com", Client: "192.0.2.10", Request: "GET / HTTP/1.1"}},
	{"cut in upstream URI keeps authority", ts + `[error] 31#31: *806 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://10.0.0.5:8080/lo`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ReadTimeout, Status: 504, ConnID: 806, Level: "error",
			Upstream: "10.0.0.5:8080", Server: "shop.example.com", Client: "192.0.2.10", Request: "GET / HTTP/1.1"}},
	{"quote inside request", ts + `[error] 31#31: *807 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET /q?x="a", HTTP/1.1", upstream: "http://10.0.0.5:8080/q?x="a",", host: "shop.example.com"`,
		Summary{Result: logparse.ResultClassified, Cause: cause.PrematureClose, Status: 502, ConnID: 807, Level: "error",
			Upstream: "10.0.0.5:8080", Server: "shop.example.com", Client: "192.0.2.10", Request: `GET /q?x="a", HTTP/1.1`, Host: "shop.example.com"}},
	{"mail proxy unquoted upstream", ts + `[error] 31#31: *808 upstream timed out (110: Connection timed out) while reading response from upstream, client: 192.0.2.10 using starttls, server: 0.0.0.0:587, login: "alice", upstream: 10.0.0.20:25`,
		Summary{Result: logparse.ResultClassified, Cause: cause.ReadTimeout, Status: 504, ConnID: 808, Level: "error",
			Upstream: "10.0.0.20:25", Server: "0.0.0.0:587", Client: "192.0.2.10"}},
}

func TestNginxPrefixesAndFragments(t *testing.T) { runNginxCases(t, nginxPrefixCases) }

// longRequestLine is an upstream failure whose request line is long enough
// for nginx to cut the record at NGX_MAX_ERROR_STR.
func longRequestLine() string {
	return ts + `[error] 31#31: *901 connect() to 10.0.0.5:8080 failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET /search?q=` +
		strings.Repeat("abcdefgh", 300) + ` HTTP/1.1", upstream: "http://10.0.0.5:8080/search", host: "shop.example.com"`
}

// Wherever nginx (or whoever pasted the line) cut it, the cause and status
// stay and the upstream is either right or empty, never half a value.
func TestNginxCutAnywhere(t *testing.T) {
	for _, full := range []string{longRequestLine(), ts + refusedLine, ts + `[error] 31#31: *902 upstream timed out (110: Connection timed out) while reading response header from upstream` + shopTail} {
		want := ClassifyLine(full)
		msgEnd := strings.Index(full, " while ") + len(" while reading response header from upstream")
		for n := msgEnd; n <= len(full); n++ {
			got := ClassifyLine(full[:n])
			if got.Cause != want.Cause || got.Status != want.Status || got.ConnID != want.ConnID || got.Level != want.Level {
				t.Fatalf("cut at %d: got %+v, want cause %v status %d", n, got, want.Cause, want.Status)
			}
			if got.Upstream != "" && got.Upstream != want.Upstream {
				t.Fatalf("cut at %d: upstream %q, want %q or empty", n, got.Upstream, want.Upstream)
			}
		}
	}
	cut := longRequestLine()[:2047]
	if got := ClassifyLine(cut); got.Upstream != "10.0.0.5:8080" || got.Host != "" {
		t.Errorf("2048-byte cut: %+v", got)
	}
}

func TestLocateNginxHeader(t *testing.T) {
	for _, tc := range []struct {
		line   string
		found  bool
		strict bool
		level  string
		conn   uint64
		msg    string
	}{
		{ts + "[error] 31#31: *7 boom", true, true, "error", 7, "boom"},
		{"[warn] 1#1: x", true, true, "warn", 0, "x"},
		{"nginx: [emerg] host not found", true, false, "emerg", 0, "host not found"},
		{ts + "[notice] 1#1: *x y", true, true, "notice", 0, "*x y"},
		{"[pod/a/b] [info] 2#3: *18446744073709551615 z", true, true, "info", 18446744073709551615, "z"},
		{"#0 [internal function]: foo()", false, false, "", 0, "#0 [internal function]: foo()"},
		{"x[error] 1#1: y", false, false, "", 0, "x[error] 1#1: y"},
		{"  *12 upstream timed out", false, false, "", 12, "upstream timed out"},
		{"[error]", false, false, "", 0, "[error]"},
	} {
		h := locateNginxHeader([]byte(tc.line))
		if h.found != tc.found || h.strict != tc.strict || string(h.level) != tc.level || h.connID != tc.conn || tc.line[h.msgStart:] != tc.msg {
			t.Errorf("%q: got found=%v strict=%v level=%q conn=%d msg=%q", tc.line, h.found, h.strict, h.level, h.connID, tc.line[h.msgStart:])
		}
	}
}
