package haproxy

import (
	"fmt"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// hapCase is one input (one or more lines) and what ClassifyLine must
// say about it. Level, Client and Request are checked by their own tests.
type hapCase struct {
	name string
	line string
	want Summary
}

func runHAProxyCases(t *testing.T, cases []hapCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ClassifyLine(tc.line)
			got.Level, got.Client, got.Request = "", "", ""
			if got != tc.want {
				t.Errorf("line: %s\n got: %+v\nwant: %+v", tc.line, got, tc.want)
			}
		})
	}
}

// req is the summary of a request line.
func req(c cause.Cause, upstream, frontend string, status int, seconds float64) Summary {
	r := logparse.ResultIgnored
	if c != cause.None {
		r = logparse.ResultClassified
	}
	return Summary{Result: r, Emitted: true, Kind: logparse.KindRequest, Cause: c, Status: status,
		ResponseSeconds: seconds, Upstream: upstream, Server: frontend}
}

// httplog builds a default `option httplog` line.
func httplog(fe, beSrv, timers string, status int, ts string) string {
	return fmt.Sprintf(`192.0.2.10:51234 [21/Nov/2024:10:00:00.123] %s %s %s %d 512 - - %s 3/3/1/1/0 0/0 "GET /api/cart?id=7 HTTP/1.1"`,
		fe, beSrv, timers, status, ts)
}

// Every termination state of causes.md §3.1 rule 4 (and the ones it leaves
// to the parser), in `option httplog` lines as HAProxy 2.6 writes them.
var hapTermStateCases = []hapCase{
	{"SC refused", httplog("fe_http", "be_app/app1", "0/0/-1/-1/3003", 503, "SC--"), req(cause.ConnectionRefused, "be_app/app1", "fe_http", 503, -1)},
	{"SC NOSRV", httplog("fe_http", "be_app/<NOSRV>", "0/-1/-1/-1/0", 503, "SC--"), req(cause.NoLiveUpstreams, "be_app", "fe_http", 503, -1)},
	{"sC connect timeout", httplog("fe_http", "be_app/app1", "0/0/-1/-1/3001", 503, "sC--"), req(cause.ConnectTimeout, "be_app/app1", "fe_http", 503, -1)},
	{"SH premature close", httplog("fe_http", "be_app/app1", "0/0/0/-1/4", 502, "SH--"), req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
	{"sH read timeout", httplog("fe_http", "be_app/app1", "0/0/1/-1/30001", 504, "sH--"), req(cause.ReadTimeout, "be_app/app1", "fe_http", 504, -1)},
	{"SD reset shows 200", httplog("fe_http", "be_app/app1", "0/0/1/12/202", 200, "SD--"), req(cause.ConnectionReset, "be_app/app1", "fe_http", 200, 0.012)},
	{"SD reset shows -1", httplog("fe_http", "be_app/app1", "0/0/1/-1/202", -1, "SD--"), req(cause.ConnectionReset, "be_app/app1", "fe_http", -1, -1)},
	{"sD data timeout", httplog("fe_http", "be_app/app1", "0/0/1/15/30015", 200, "sD--"), req(cause.ReadTimeout, "be_app/app1", "fe_http", 200, 0.015)},
	{"PH invalid header", httplog("fe_http", "be_app/app1", "0/0/0/-1/0", 502, "PH--"), req(cause.InvalidHeader, "be_app/app1", "fe_http", 502, -1)},
	{"PD bad chunk", httplog("fe_http", "be_app/app1", "0/0/0/3/9", 200, "PD--"), req(cause.ProtocolError, "be_app/app1", "fe_http", 200, 0.003)},
	{"sQ queue timeout", httplog("fe_http", "be_app/<NOSRV>", "0/10001/-1/-1/10001", 503, "sQ--"), req(cause.QueueTimeout, "be_app", "fe_http", 503, -1)},
	{"SQ queue error", httplog("fe_http", "be_app/app1", "0/2/-1/-1/2", 503, "SQ--"), req(cause.QueueTimeout, "be_app/app1", "fe_http", 503, -1)},
	{"RC source ports", httplog("fe_http", "be_app/app1", "0/0/-1/-1/0", 503, "RC--"), req(cause.ProxyResourceExhausted, "be_app/app1", "fe_http", 503, -1)},
	{"PC proxy limit", httplog("fe_http", "be_app/app1", "0/0/-1/-1/0", 503, "PC--"), req(cause.ProxyResourceExhausted, "be_app/app1", "fe_http", 503, -1)},
	{"IR internal", httplog("fe_http", "fe_http/<NOSRV>", "-1/-1/-1/-1/0", 500, "IR--"), req(cause.ProxyInternalError, "fe_http", "fe_http", 500, -1)},
	{"IH internal", httplog("fe_http", "be_app/app1", "0/0/0/-1/1", 500, "IH--"), req(cause.ProxyInternalError, "be_app/app1", "fe_http", 500, -1)},
	{"DC killed, server marked down", httplog("fe_http", "be_app/app1", "0/0/-1/-1/7", 503, "DC--"), req(cause.MarkedDown, "be_app/app1", "fe_http", 503, -1)},
	// Not upstream failures.
	{"normal", httplog("fe_http", "be_app/app1", "0/0/0/8/8", 200, "----"), req(cause.None, "be_app/app1", "fe_http", 200, 0.008)},
	{"app 503 is not ours", httplog("fe_http", "be_app/app1", "0/0/0/8/8", 503, "----"), req(cause.None, "be_app/app1", "fe_http", 503, 0.008)},
	{"CC was 503 up to 2.4", httplog("fe_http", "be_app/app1", "0/0/-1/-1/2000", 503, "CC--"), req(cause.None, "be_app/app1", "fe_http", 503, -1)},
	{"CC is -1 since 2.5", httplog("fe_http", "be_app/app1", "0/0/-1/-1/2000", -1, "CC--"), req(cause.None, "be_app/app1", "fe_http", -1, -1)},
	{"CD", httplog("fe_http", "be_app/app1", "0/0/0/5/900", 200, "CD--"), req(cause.None, "be_app/app1", "fe_http", 200, 0.005)},
	{"cD", httplog("fe_http", "be_app/app1", "0/0/0/5/50000", 200, "cD--"), req(cause.None, "be_app/app1", "fe_http", 200, 0.005)},
	{"CH", httplog("fe_http", "be_app/app1", "0/0/0/-1/800", -1, "CH--"), req(cause.None, "be_app/app1", "fe_http", -1, -1)},
	{"CQ", httplog("fe_http", "be_app/<NOSRV>", "0/500/-1/-1/500", -1, "CQ--"), req(cause.None, "be_app", "fe_http", -1, -1)},
	{"CR", httplog("fe_http", "fe_http/<NOSRV>", "-1/-1/-1/-1/0", 400, "CR--"), req(cause.None, "fe_http", "fe_http", 400, -1)},
	{"cR 408", httplog("fe_http", "fe_http/<NOSRV>", "-1/-1/-1/-1/5001", 408, "cR--"), req(cause.None, "fe_http", "fe_http", 408, -1)},
	{"LR redirect", httplog("fe_http", "fe_http/<NOSRV>", "0/-1/-1/-1/0", 301, "LR--"), req(cause.None, "fe_http", "fe_http", 301, -1)},
	{"PR deny", httplog("fe_http", "fe_http/<NOSRV>", "0/-1/-1/-1/0", 403, "PR--"), req(cause.None, "fe_http", "fe_http", 403, -1)},
	{"PT tarpit", httplog("fe_http", "fe_http/<NOSRV>", "0/5000/-1/-1/5000", 500, "PT--"), req(cause.None, "fe_http", "fe_http", 500, -1)},
	{"KC admin kill", httplog("fe_http", "be_app/app1", "0/0/-1/-1/7", -1, "KC--"), req(cause.None, "be_app/app1", "fe_http", -1, -1)},
	{"UD backup preempted", httplog("fe_http", "be_app/bk1", "0/0/0/3/90", 200, "UD--"), req(cause.None, "be_app/bk1", "fe_http", 200, 0.003)},
	{"cookie chars", httplog("fe_http", "be_app/app1", "0/0/0/-1/4", 502, "SHNI"), req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
	// Variants of the fields around it.
	{"SSL frontend marker", httplog("fe_https~", "be_app/app1", "0/0/0/-1/4", 502, "SH--"), req(cause.PrematureClose, "be_app/app1", "fe_https", 502, -1)},
	{"logasap and redispatch", `192.0.2.10:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app2 0/0/3/-1/+3 502 +0 - - SH-- 3/3/1/1/+1 0/0 "GET / HTTP/1.1"`,
		req(cause.PrematureClose, "be_app/app2", "fe_http", 502, -1)},
	{"IPv6 client", `2001:db8::7:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app1 0/0/-1/-1/3003 503 217 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"`,
		req(cause.ConnectionRefused, "be_app/app1", "fe_http", 503, -1)},
	{"captured headers", `192.0.2.10:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app1 0/0/0/-1/4 502 209 - - SH-- 1/1/0/0/0 0/0 {shop.example.com|Mozilla/5.0 (X11; Linux)} {} "GET / HTTP/1.1"`,
		req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
	{"captured cookie", `192.0.2.10:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app1 0/0/0/-1/4 502 209 SERVERID=app1 - SHVN 1/1/0/0/0 0/0 "GET / HTTP/1.1"`,
		req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
	{"pre-1.9 Tq/Tw/Tc/Tr/Tt", `Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`,
		req(cause.None, "static/srv1", "http-in", 200, 0.069)},
	{"truncated request", `192.0.2.10:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app1 0/0/0/-1/4 502 209 - - SH-- 1/1/0/0/0 0/0 "GET /very/long`,
		req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
}

func TestHAProxyTerminationStates(t *testing.T) { runHAProxyCases(t, hapTermStateCases) }

// `option tcplog`: 3 timers, a 2-character state, no HTTP status, no Tr.
var hapTCPLogCases = []hapCase{
	{"SC", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/pg1 1/-1/3003 0 SC 1/1/0/0/3 0/0`, req(cause.ConnectionRefused, "be_pg/pg1", "fe_pg", -1, -1)},
	{"SC NOSRV", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/<NOSRV> 1/-1/0 0 SC 1/1/0/0/0 0/0`, req(cause.NoLiveUpstreams, "be_pg", "fe_pg", -1, -1)},
	{"sC", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/pg1 0/-1/5001 0 sC 1/1/0/0/0 0/0`, req(cause.ConnectTimeout, "be_pg/pg1", "fe_pg", -1, -1)},
	{"SD", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/pg1 0/1/61234 48213 SD 4/4/3/1/0 0/0`, req(cause.ConnectionReset, "be_pg/pg1", "fe_pg", -1, -1)},
	{"sD", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/pg1 0/1/3600001 48213 sD 4/4/3/1/0 0/0`, req(cause.ReadTimeout, "be_pg/pg1", "fe_pg", -1, -1)},
	{"normal", `Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0`, req(cause.None, "bck/srv1", "fnt", -1, -1)},
	{"client aborts", `192.0.2.10:39882 [21/Nov/2024:10:00:00.985] fe_pg be_pg/pg1 0/1/120 517 CD 1/1/0/0/0 0/0`, req(cause.None, "be_pg/pg1", "fe_pg", -1, -1)},
	{"tcplog clf", `"192.0.2.10" - - [21/Nov/2024:10:00:00 +0000] "TCP " 000 0 "" "" 39882 985 "fe_pg" "be_pg" "pg1" 0 1 -1 3003 0 SC-- 1 1 0 0 3 0 0 "" ""`,
		req(cause.ConnectionRefused, "be_pg/pg1", "fe_pg", -1, -1)},
}

func TestHAProxyTCPLog(t *testing.T) { runHAProxyCases(t, hapTCPLogCases) }

// `option httpslog`, `httplog clf` and custom log-formats.
var hapFormatCases = []hapCase{
	{"httpslog", `127.0.0.1:35242 [21/Nov/2026:11:04:14.449] fe_https~ be_refused/app1 0/0/-1/-1/3003 503 217 - - SC-- 1/1/0/0/3 0/0 {127.0.0.1:56551} {} "GET /refused HTTP/1.1" 0/0000000000000000/0/0/0 -/TLSv1.3/TLS_AES_256_GCM_SHA384`,
		req(cause.ConnectionRefused, "be_refused/app1", "fe_https", 503, -1)},
	{"httpslog without captures", `192.0.2.10:55880 [21/Nov/2024:10:00:00.048] fe_https~ be_app/app1 0/0/0/-1/2 502 209 - - PH-- 1/1/0/0/0 0/0 "GET / HTTP/1.1" 0/0000000000000000/0/0/0 shop.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384`,
		req(cause.InvalidHeader, "be_app/app1", "fe_https", 502, -1)},
	{"httplog clf", `127.0.0.1 - - [21/Nov/2026:11:04:11 +0000] "GET /refused HTTP/1.1" 503 217 "" "" 46666 423 "fe_clf" "be_refused" "app1" 0 0 -1 -1 3003 SC-- 1 1 0 0 3 0 0 "" "" `,
		req(cause.ConnectionRefused, "be_refused/app1", "fe_clf", 503, -1)},
	{"httplog clf NOSRV", `192.0.2.10 - - [21/Nov/2024:10:00:00 +0000] "GET / HTTP/1.1" 503 217 "" "" 46666 423 "fe_clf" "be_app" "<NOSRV>" 0 -1 -1 -1 0 SC-- 1 1 0 0 0 0 0 "" ""`,
		req(cause.NoLiveUpstreams, "be_app", "fe_clf", 503, -1)},
	{"httplog clf Tr", `192.0.2.10 - - [21/Nov/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 2750 "" "" 46666 423 "fe_clf" "be_app" "app1" 0 0 1 41 43 SD-- 1 1 0 0 0 0 0 "" ""`,
		req(cause.ConnectionReset, "be_app/app1", "fe_clf", 200, 0.041)},
	{"ts first (real)", `SH-- 1/1/0/0/0 127.0.0.1:42892 [21/Nov/2026:11:04:10.379] fe_custom be_close/app1 0/0/0/-1/0 502 209 "GET /close HTTP/1.1"`,
		req(cause.PrematureClose, "be_close/app1", "fe_custom", 502, -1)},
	{"ts after request", `192.0.2.10:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app1 0/0/1/-1/30001 504 198 "GET /report?year=2024 HTTP/1.1" sH-- 1/1/0/0/0 0/0`,
		req(cause.ReadTimeout, "be_app/app1", "fe_http", 504, -1)},
	{"fields inserted before ts", `192.0.2.10:51234 [21/Nov/2024:10:00:00.123] fe_http be_app/app1 0/0/-1/-1/3003 503 217 - - shop.example.com 7f3a9c1e-4b2d-4f0e-9d1a-2c8b5e6f7a90 TLSv1.3 h2 SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"`,
		req(cause.ConnectionRefused, "be_app/app1", "fe_http", 503, -1)},
	{"2-char ts in http mode", `fe_http be_app/app1 0/0/0/-1/2 502 209 SH 1/1/0/0/0`,
		req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
	{"no timers", `host=shop.example.com fe_http be_app/app1 502 sent=209 SH-- 1/1/0/0/0 "GET / HTTP/1.1"`,
		req(cause.PrematureClose, "be_app/app1", "fe_http", 502, -1)},
	{"no timers no upstream", `lb=eu1 ts=SH-- SH-- 1/1/0/0/0`, req(cause.PrematureClose, "", "", 0, -1)},
	{"ingress-style framed", `Nov 21 10:00:00 lb1 haproxy[7]: 10.2.0.9:40110 [21/Nov/2024:10:00:00.123] https~ default_web_8080/SRV_1 0/0/1/-1/60001 504 198 - - sH-- 12/12/3/1/0 0/0 "POST /api/v1/orders HTTP/2.0"`,
		req(cause.ReadTimeout, "default_web_8080/SRV_1", "https", 504, -1)},
}

func TestHAProxyLogFormats(t *testing.T) { runHAProxyCases(t, hapFormatCases) }

// JSON request logs: the keys of haproxy_json.go, string or number values.
var hapJSONCases = []hapCase{
	{"real 2.6 ok", `{"client_ip":"127.0.0.1","frontend_name":"fe_json","backend_name":"be_ok","server_name":"app1","Tr":0,"status_code":200,"termination_state":"----","request":"GET /ok"}`,
		req(cause.None, "be_ok/app1", "fe_json", 200, 0)},
	{"real 2.6 sH", `{"client_ip":"127.0.0.1","frontend_name":"fe_json","backend_name":"be_slow","server_name":"app1","Tr":-1,"status_code":504,"termination_state":"sH--","request":"GET /slow"}`,
		req(cause.ReadTimeout, "be_slow/app1", "fe_json", 504, -1)},
	{"NOSRV", `{"frontend_name":"fe~","backend_name":"be_app","server_name":"<NOSRV>","status_code":503,"termination_state":"SC--"}`,
		req(cause.NoLiveUpstreams, "be_app", "fe", 503, -1)},
	{"string numbers and short keys", `{ "frontend": "fe", "backend": "be_app", "server": "app1", "status": "502", "time_response": "12", "termination_state": "SH--" }`,
		req(cause.PrematureClose, "be_app/app1", "fe", 502, 0.012)},
	{"tcp 2-char state", `{"frontend_name":"fe_pg","backend_name":"be_pg","server_name":"pg1","termination_state":"SD"}`,
		req(cause.ConnectionReset, "be_pg/pg1", "fe_pg", 0, -1)},
	{"tsc key and nested values", `{"time":{"accept":"2024-11-21T10:00:00Z","Tr":5},"hdrs":["a","b}"],"backend_name":"be_app","server_name":"app1","http_status":503,"tsc":"sC--","response_time":-1}`,
		req(cause.ConnectTimeout, "be_app/app1", "", 503, -1)},
	{"escaped strings", `{"request":"GET /\"q\" HTTP/1.1","backend_name":"be_app","server_name":"app1","status_code":502,"termination_state":"PH--"}`,
		req(cause.InvalidHeader, "be_app/app1", "", 502, -1)},
	{"backend only", `{"backend_name":"be_app","status_code":503,"termination_state":"sQ--"}`,
		req(cause.QueueTimeout, "be_app", "", 503, -1)},
	{"truncated after state", `{"backend_name":"be_app","server_name":"app1","termination_state":"SH--","request":"GET /very/lo`,
		req(cause.PrematureClose, "be_app/app1", "", 0, -1)},
	{"syslog framed", `<134>Nov 21 11:03:32 localhost haproxy[3030]: {"frontend_name":"fe_json","backend_name":"be_ok","server_name":"app1","Tr":3,"status_code":200,"termination_state":"----"}`,
		req(cause.None, "be_ok/app1", "fe_json", 200, 0.003)},
	{"no termination state", `{"frontend_name":"fe_json","backend_name":"be_ok","status_code":200}`, hapUnrecognized},
	{"nginx JSON access log", `{"time":"2026-11-21T11:10:51+00:00","server":"shop.test","req":"GET /dead HTTP/1.1","status":502,"addr":"127.0.0.1:46447, 127.0.0.1:42079","us":"502, 502"}`, hapUnrecognized},
	{"invalid termination state", `{"backend_name":"be_ok","termination_state":"XY--"}`, hapIgnored},
	{"foreign JSON", `{"ts":"2024-11-21T10:00:00Z","level":"warn","msg":"SH-- 1/1/0/0/0"}`, hapUnrecognized},
}

func TestHAProxyJSON(t *testing.T) { runHAProxyCases(t, hapJSONCases) }

// Client, Request and Level come along with the event.
func TestHAProxyRequestContext(t *testing.T) {
	for line, want := range map[string][3]string{
		`<134>Nov 21 10:00:00 lb1 haproxy[1]: ` + httplog("fe", "be/s1", "0/0/0/-1/4", 502, "SH--"):                            {"192.0.2.10", "GET /api/cart?id=7 HTTP/1.1", "info"},
		`2001:db8::7:51234 [21/Nov/2024:10:00:00.123] fe be/s1 0/0/-1/-1/3003 503 217 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"`: {"2001:db8::7", "GET / HTTP/1.1", ""},
		`{"client_ip":"10.1.2.3","backend_name":"be","server_name":"s1","termination_state":"SH--","request":"GET /x"}`:        {"10.1.2.3", "GET /x", ""},
		hapFormatCases[2].line: {"127.0.0.1", "GET /refused HTTP/1.1", ""},
	} {
		got := ClassifyLine(line)
		if got.Client != want[0] || got.Request != want[1] || got.Level != want[2] {
			t.Errorf("line: %s\ngot client %q request %q level %q, want %q", line, got.Client, got.Request, got.Level, want)
		}
	}
}
