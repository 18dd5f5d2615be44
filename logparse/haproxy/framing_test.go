package haproxy

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// hapFramings put a message behind each framing a HAProxy log arrives in.
var hapFramings = []struct {
	name   string
	frame  func(msg string) string
	level  string // Level of an emitted event whose message has no [LEVEL] prefix
	health string // … of a state message sent at LOG_ALERT
}{
	{"none", func(m string) string { return m }, "", ""},
	{"rsyslog file", func(m string) string { return "Nov 21 10:00:00 lb1 haproxy[1234]: " + m }, "", ""},
	{"rsyslog high precision", func(m string) string { return "2024-11-21T10:00:00.123456+00:00 lb1 haproxy[1234]: " + m }, "", ""},
	{"RFC 3164 with PRI", func(m string) string { return "<134>Nov 21 10:00:00 lb1 haproxy[1234]: " + m }, "info", "info"},
	{"HAProxy format local", func(m string) string { return "<129>Nov  1 10:00:00 haproxy[1234]: " + m }, "alert", "alert"},
	{"RFC 5424", func(m string) string { return "<134>1 2024-11-21T10:00:00.000Z lb1 haproxy 1234 - - " + m }, "info", "info"},
	{"RFC 5424 nil host", func(m string) string { return "<134>1 2026-11-21T11:03:23.748701+00:00 - haproxy 3030 - - " + m }, "info", "info"},
	{"RFC 5424 structured data", func(m string) string {
		return `<134>1 2024-11-21T10:00:00.000Z lb1 haproxy 1234 - [meta sequenceId="7" note="a \] b"][origin ip="10.0.0.1"] ` + m
	}, "info", "info"},
	{"journald", func(m string) string { return "haproxy[1234]: " + m }, "", ""},
	{"journald without pid", func(m string) string { return "haproxy: " + m }, "", ""},
	{"format short", func(m string) string { return "<6>" + m }, "info", "info"},
	{"format timed", func(m string) string { return "<134>2024-11-21T10:00:00.123456+00:00 " + m }, "info", "info"},
	{"format iso", func(m string) string { return "2024-11-21T10:00:00.123456+00:00 " + m }, "", ""},
	{"CRI container log", func(m string) string { return "2024-11-21T10:00:00.123456789Z stdout F " + m }, "", ""},
	{"CRLF", func(m string) string { return m + "\r" }, "", ""},
}

// The same messages, in every framing, give the same summary.
func TestHAProxyFramings(t *testing.T) {
	messages := []hapCase{
		{"httplog SH", httplog("fe_http", "be_app/app1", "0/0/0/-1/4", 502, "SH--"), req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
		{"httplog normal", httplog("fe_http", "be_app/app1", "0/0/0/8/8", 200, "----"), req(cause.None, "be_app/app1", "fe_http", 200, 0.008)},
		{"tcplog SC", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/pg1 1/-1/3003 0 SC 1/1/0/0/3 0/0`, req(cause.ConnectionRefused, "be_pg/pg1", "fe_pg", -1, -1)},
		{"custom ts first", `sH-- 1/1/0/0/0 127.0.0.1:42892 [21/Nov/2026:11:04:10.379] fe_custom be_slow/app1 0/0/0/-1/1000 504 198 "GET /slow HTTP/1.1"`, req(cause.ReadTimeout, "be_slow/app1", "fe_custom", 504, -1)},
		{"JSON", `{"frontend_name":"fe_json","backend_name":"be_app","server_name":"app1","Tr":-1,"status_code":504,"termination_state":"sH--"}`, req(cause.ReadTimeout, "be_app/app1", "fe_json", 504, -1)},
		{"clf", hapFormatCases[2].line, req(cause.ConnectionRefused, "be_refused/app1", "fe_clf", 503, -1)},
		{"DOWN", `Server be_app/app1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms` + left, health(logparse.HealthDown, cause.ConnectionRefused, "be_app/app1")},
		{"DOWN stderr", warn26 + `Server be_app/app1 is DOWN, reason: Layer7 timeout, check duration: 2001ms` + left, health(logparse.HealthDown, cause.ReadTimeout, "be_app/app1")},
		{"UP", `Server be_app/app1 is UP, reason: Layer4 check passed, check duration: 0ms` + online, health(logparse.HealthUp, cause.None, "be_app/app1")},
		{"no server", `backend be_app has no server available!`, noLive("be_app")},
		{"error log", `127.0.0.1:40762 [21/Nov/2026:11:04:10.351] fe_https/1: SSL handshake failure`, hapIgnored},
		{"startup", `Proxy fe_http started.`, hapIgnored},
	}
	for _, f := range hapFramings {
		for _, m := range messages {
			line := f.frame(m.line)
			got := ClassifyLine(line)
			wantLevel := ""
			if got.Emitted {
				wantLevel = f.level
				if m.line[0] == '[' {
					wantLevel = "warn"
				}
			}
			if got.Level != wantLevel {
				t.Errorf("%s / %s: level %q, want %q", f.name, m.name, got.Level, wantLevel)
			}
			got.Level, got.Client, got.Request = "", "", ""
			if got != m.want {
				t.Errorf("%s / %s\nline: %s\n got: %+v\nwant: %+v", f.name, m.name, line, got, m.want)
			}
		}
	}
}

// HAProxy lines that are not upstream failures and emit nothing, and lines
// that are not HAProxy's.
var hapOtherCases = []hapCase{
	{"error log handshake", `127.0.0.1:40762 [21/Nov/2026:11:04:10.351] fe_https/1: SSL handshake failure`, hapIgnored},
	{"error log old", `Dec  3 18:27:14 localhost haproxy[6103]: 127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection error during SSL handshake`, hapIgnored},
	{"detailed error-log-format", `192.0.2.10:56059 [21/Nov/2024:10:00:00.380] fe_https 1/1 34/0000000000000000/0/0/0 -/-/-`, hapIgnored},
	{"proxy started", `Nov 21 10:00:00 lb1 haproxy[1234]: Proxy fe_http started.`, hapIgnored},
	{"proxy stopped", `Proxy fe_http stopped (cumulated conns: FE: 8, BE: 0).`, hapIgnored},
	{"stopping frontend", `[WARNING]  (1234) : Stopping frontend GLOBAL in 0 ms.`, hapIgnored},
	{"notice", `[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u4`, hapIgnored},
	{"config warning", `[WARNING]  (1) : config : parsing [/etc/haproxy/haproxy.cfg:42] : 'option httplog' not usable with proxy 'fe_tcp' (needs 'mode http'). Falling back to 'option tcplog'.`, hapIgnored},
	{"old notice", `[NOTICE] 324/104523 (1) : New worker #1 (8) forked`, hapIgnored},
	{"tagged unknown", `Nov 21 10:00:00 lb1 haproxy[1234]: be_app/app1 changed its IP from 10.0.0.5 to 10.0.0.6 by DNS cache.`, hapIgnored},
	{"RFC 5424 DNS ready", `<134>1 2024-11-21T10:00:00.000Z lb1 haproxy 1234 - - Server be_app/app1 administratively READY thanks to valid DNS answer.`, hapIgnored},
	{"nginx error", `2024/05/01 10:00:00 [error] 31#31: *101 connect() failed (111: Connection refused) while connecting to upstream` + shopTail, hapUnrecognized},
	{"nginx error via syslog", `Nov 21 10:00:00 web1 nginx: 2024/05/01 10:00:00 [error] 31#31: *101 upstream timed out (110: Connection timed out) while reading response header from upstream` + shopTail, hapUnrecognized},
	{"nginx access", `192.0.2.10 - - [21/Nov/2024:10:00:00 +0000] "GET /api HTTP/1.1" 502 157 "-" "curl/8.5.0"`, hapUnrecognized},
	{"sshd", `Nov 21 10:00:00 lb1 sshd[811]: Accepted publickey for ops from 192.0.2.7 port 50122 ssh2: ED25519 SHA256:abc`, hapUnrecognized},
	{"JSON of another program", `{"level":"info","msg":"listening","addr":":9101"}`, hapUnrecognized},
	{"server word without pair", `Server started on port 8080`, hapUnrecognized},
	{"empty", ``, hapUnrecognized},
	{"garbage", "\x00\xff<<>>[[: : ", hapUnrecognized},
}

func TestHAProxyOtherLines(t *testing.T) { runHAProxyCases(t, hapOtherCases) }

// LooksLike agrees with Parse. That it turns nginx lines down is checked
// where those lines are: in the tests of nginxerror and nginxaccess.
func TestLooksLikeHAProxy(t *testing.T) {
	for _, set := range [][]hapCase{hapTermStateCases, hapTCPLogCases, hapFormatCases, hapCheckCases, hapStateCases, hapOtherCases, hapJSONCases} {
		for _, tc := range set {
			var p Parser
			want := p.Parse([]byte(tc.line), nil) != logparse.ResultUnrecognized
			if got := LooksLike([]byte(tc.line)); got != want {
				t.Errorf("%s: LooksLike %v, Parse says %v", tc.name, got, want)
			}
		}
	}
}
