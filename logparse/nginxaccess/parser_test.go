package nginxaccess

import (
	"strconv"
	"strings"
	"testing"
)

// The formats of the table tests.
const (
	// fmtUpstream is the benchmark format: combined plus the four upstream
	// fields that tell failed tries apart.
	fmtUpstream = formatCombined + ` $upstream_addr $upstream_status $upstream_response_time $upstream_header_time`
	fmtJSON     = `{"host":"$host","req":"$request","status":$status,"ua":"$http_user_agent",` +
		`"addr":"$upstream_addr","us":"$upstream_status","urt":"$upstream_response_time","uct":"$upstream_connect_time"}`
	fmtTail = `$remote_addr [$time_local] $server_name "$request" $status $request_time $upstream_status $upstream_addr`
)

type accessCase struct {
	name, format string
	escape       LogFormatEscape
	line         string
	status       string
	server       string
	attempts     string // see formatAttempts
	generated    bool
	guessed      bool
	fields       map[string]string
}

// formatAttempts writes attempts as "addr status rt/ht/ct; …", with a ":"
// before the address of an attempt that starts a new upstream group.
func formatAttempts(as []UpstreamAttempt) string {
	secs := func(v float64) string {
		if v < 0 {
			return "-"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	var parts []string
	for _, a := range as {
		g := ""
		if a.Group {
			g = ":"
		}
		parts = append(parts, g+string(a.Upstream)+" "+string(a.Status)+" "+
			secs(a.ResponseSeconds)+"/"+secs(a.HeaderSeconds)+"/"+secs(a.ConnectSeconds))
	}
	return strings.Join(parts, "; ")
}

const combinedHead = `203.0.113.9 - - [01/May/2024:10:00:00 +0000] "GET /api/x?id=1 HTTP/1.1" `

var accessCases = []accessCase{
	{name: "single", format: fmtUpstream, status: "200",
		line:     combinedHead + `200 612 "-" "curl/8.5.0" 10.0.0.1:80 200 0.004 0.003`,
		attempts: "10.0.0.1:80 200 0.004/0.003/-",
		fields:   map[string]string{"http_referer": "-", "request": "GET /api/x?id=1 HTTP/1.1", "$remote_user": "-"}},
	{name: "retry hides a failed try", format: fmtUpstream, status: "200",
		line:     combinedHead + `200 2 "https://shop.example/" "Mozilla/5.0 (X11; Linux)" 10.0.0.1:80, 10.0.0.2:80 502, 200 0.001, 0.004 -, 0.003`,
		attempts: "10.0.0.1:80 502 0.001/-/-; 10.0.0.2:80 200 0.004/0.003/-"},
	{name: "both separators", format: fmtUpstream, status: "200",
		line:     combinedHead + `200 2 "-" "-" 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 502, 504 : 200 0.000, 60.002 : 0.010 -, - : 0.009`,
		attempts: "10.0.0.1:80 502 0/-/-; 10.0.0.2:80 504 60.002/-/-; :10.0.0.3:80 200 0.01/0.009/-"},
	{name: "all tries failed", format: fmtUpstream, status: "502", generated: true,
		line:     combinedHead + `502 157 "-" "curl/8.5.0" 10.0.0.1:80, 10.0.0.2:80 502, 502 0.000, 0.001 -, -`,
		attempts: "10.0.0.1:80 502 0/-/-; 10.0.0.2:80 502 0.001/-/-"},
	{name: "backend returned 502", format: fmtUpstream, status: "502",
		line:     combinedHead + `502 11 "-" "curl/8.5.0" 10.0.0.1:80 502 0.002 0.002`,
		attempts: "10.0.0.1:80 502 0.002/0.002/-"},
	{name: "backend 502 after next_upstream http_502", format: fmtUpstream, status: "502",
		line:     combinedHead + `502 11 "-" "curl/8.5.0" 10.0.0.1:80, 10.0.0.2:80 502, 502 0.002, 0.001 0.002, 0.001`,
		attempts: "10.0.0.1:80 502 0.002/0.002/-; 10.0.0.2:80 502 0.001/0.001/-"},
	{name: "no upstream", format: fmtUpstream, status: "502", generated: true,
		line: combinedHead + `502 157 "-" "curl/8.5.0" - - - -`},
	{name: "no live upstreams", format: fmtUpstream, status: "502", generated: true,
		line:     combinedHead + `502 157 "-" "curl/8.5.0" backend_pool 502 0.000 -`,
		attempts: "backend_pool 502 0/-/-"},
	{name: "timeout", format: fmtUpstream, status: "504", generated: true,
		line:     combinedHead + `504 167 "-" "curl/8.5.0" [2001:db8::1]:8080 504 60.001 -`,
		attempts: "[2001:db8::1]:8080 504 60.001/-/-"},
	{name: "escaped quotes and empty quoted", format: fmtUpstream, status: "200",
		line:     `203.0.113.9 - bob smith [01/May/2024:10:00:00 +0000] "GET /q?a=\x22x\x22 HTTP/1.1" 200 2 "" "ua \x22quoted\x22 \x5C" unix:/run/app.sock 200 0.010 0.009` + "\r",
		attempts: "unix:/run/app.sock 200 0.01/0.009/-",
		fields:   map[string]string{"remote_user": "bob smith", "http_referer": "", "http_user_agent": `ua \x22quoted\x22 \x5C`}},
	{name: "json", format: fmtJSON, escape: LogFormatEscapeJSON, status: "502", server: "shop.test", generated: true,
		line:     `{"host":"shop.test","req":"GET /\"x\" HTTP/1.1","status":502,"ua":"a \\\"b\\\\","addr":"10.0.0.1:80, 10.0.0.2:80","us":"502, 502","urt":"0.001, 0.000","uct":"-, -"}`,
		attempts: "10.0.0.1:80 502 0.001/-/-; 10.0.0.2:80 502 0/-/-",
		fields:   map[string]string{"request": `GET /\"x\" HTTP/1.1`, "http_user_agent": `a \\\"b\\\\`}},
	{name: "json no upstream", format: fmtJSON, escape: LogFormatEscapeJSON, status: "503", server: "shop.test", generated: true,
		line: `{"host":"shop.test","req":"GET / HTTP/1.1","status":503,"ua":"","addr":"","us":"","urt":"","uct":""}`},
	{name: "json connect ok, no header time: guess", format: fmtJSON, escape: LogFormatEscapeJSON, status: "502", server: "h",
		generated: true, guessed: true,
		line:     `{"host":"h","req":"GET / HTTP/1.1","status":502,"ua":"","addr":"10.0.0.1:80","us":"502","urt":"0.001","uct":"0.000"}`,
		attempts: "10.0.0.1:80 502 0.001/-/0"},
	{name: "escape none", format: `"$http_user_agent" $status "$host"`, escape: LogFormatEscapeNone, status: "200", server: `a"b`,
		line: `"x "y" z" 200 "a"b"`, fields: map[string]string{"http_user_agent": `x "y" z`}},
	{name: "unquoted last list", format: fmtTail, status: "200", server: "shop.test",
		line:     `10.1.1.1 [01/May/2024:10:00:00 +0000] shop.test "GET / HTTP/1.1" 200 0.050 502, 200 : 404 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80`,
		attempts: "10.0.0.1:80 502 -/-/-; 10.0.0.2:80 200 -/-/-; :10.0.0.3:80 404 -/-/-",
		fields:   map[string]string{"request_time": "0.050"}},
	{name: "server_name empty, host used", format: `$server_name|$host|$status`, status: "502", server: "h.example", generated: true, guessed: true,
		line: `|h.example|502`},
	{name: "500 without upstream fields: not guessed generated", format: `$server_name|$status`, status: "500", guessed: true,
		line: `-|500`},
	{name: "list followed by \" : \"", format: `$upstream_addr : $status $upstream_status`, status: "502", generated: true, guessed: true,
		line:     `a:1, b:2 : c:3 : 502 502, 502 : 502`,
		attempts: "a:1 502 -/-/-; b:2 502 -/-/-; :c:3 502 -/-/-",
		fields:   map[string]string{"upstream_addr": "a:1, b:2 : c:3"}},
	{name: "unquoted request: backtracking", format: `$remote_addr $request $status $body_bytes_sent $http_user_agent $request_time`,
		status: "200", line: `10.1.1.1 GET /a b HTTP/1.1 200 5 Mozilla/5.0 (X11) 0.001`,
		fields: map[string]string{"request": "GET /a b HTTP/1.1", "http_user_agent": "Mozilla/5.0 (X11)"}},
	{name: "ingress upstreaminfo", format: formatUpstreamInfo, status: "200",
		line:     `10.244.0.1 - - [25/Feb/2026:10:30:15 +0000] "GET /api/v1/users HTTP/1.1" 200 1234 "https://example.com" "Mozilla/5.0" 456 0.032 [default-myapp-svc-80] [] 10.244.1.5:8080, 10.244.2.7:8080 0, 1234 0.001, 0.031 502, 200 abc123def456`,
		attempts: "10.244.1.5:8080 502 0.001/-/-; 10.244.2.7:8080 200 0.031/-/-",
		fields:   map[string]string{"proxy_alternative_upstream_name": "", "req_id": "abc123def456", "upstream_response_length": "0, 1234"}},
	{name: "upstreaminfo: backend 502 with a body", format: formatUpstreamInfo, status: "502",
		line:     `10.244.0.1 - - [25/Feb/2026:10:30:15 +0000] "GET / HTTP/1.1" 502 17 "-" "-" 120 0.001 [default-svc-80] [] 10.244.1.5:8080 17 0.001 502 id1`,
		attempts: "10.244.1.5:8080 502 0.001/-/-"},
	{name: "upstreaminfo: 502 with no body is guessed", format: formatUpstreamInfo, status: "502", generated: true, guessed: true,
		line:     `10.244.0.1 - - [25/Feb/2026:10:30:15 +0000] "GET / HTTP/1.1" 502 157 "-" "-" 120 0.001 [default-svc-80] [] 10.244.1.5:8080 0 0.001 502 id2`,
		attempts: "10.244.1.5:8080 502 0.001/-/-"},
	{name: "fixed width then variable", format: `${time_local}$status ${remote_addr}`, status: "404",
		line: `01/May/2024:10:00:00 +0000404 ::1`, fields: map[string]string{"remote_addr": "::1"}},
}

func TestAccessParse(t *testing.T) {
	var rec Record // one record for all: reuse must not leak state
	for _, tc := range accessCases {
		p, err := Compile(tc.format, tc.escape)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := p.Parse([]byte(tc.line), &rec); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(rec.Status) != tc.status || string(rec.ServerName) != tc.server {
			t.Errorf("%s: status %q server %q, want %q %q", tc.name, rec.Status, rec.ServerName, tc.status, tc.server)
		}
		if got := formatAttempts(rec.Attempts); got != tc.attempts {
			t.Errorf("%s: attempts\n got %s\nwant %s", tc.name, got, tc.attempts)
		}
		if rec.Generated != tc.generated || rec.GeneratedGuessed != tc.guessed {
			t.Errorf("%s: Generated %v guessed %v, want %v %v", tc.name, rec.Generated, rec.GeneratedGuessed, tc.generated, tc.guessed)
		}
		for name, want := range tc.fields {
			if got := rec.Field(name); string(got) != want {
				t.Errorf("%s: Field(%q) = %q, want %q", tc.name, name, got, want)
			}
		}
		if p.HasVariable("request") && string(rec.Request) != string(rec.Field("request")) {
			t.Errorf("%s: Request %q", tc.name, rec.Request)
		}
	}
}
