package nginxaccess

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Real access lines of nginx 1.22, written by TestAccessRealNginx (run it
// with -update-access to rewrite them) and checked by TestAccessTestdata.
var realLogs = []struct {
	file, name, format string
	escape             LogFormatEscape
}{
	{"testdata/access-nginx-1.22.log", "upstream", realFormat, LogFormatEscapeDefault},
	{"testdata/access-nginx-1.22-json.log", "upjson", realJSONFormat, LogFormatEscapeJSON},
	{"testdata/access-nginx-1.22-upstreaminfo.log", "upstreaminfo", formatUpstreamInfo, LogFormatEscapeDefault},
}

const (
	realFormat = formatCombined + ` $server_name $request_time $upstream_addr $upstream_status ` +
		`$upstream_response_time $upstream_header_time $upstream_connect_time`
	realJSONFormat = `{"time":"$time_iso8601","server":"$server_name","req":"$request","status":$status,` +
		`"ua":"$http_user_agent","addr":"$upstream_addr","us":"$upstream_status",` +
		`"urt":"$upstream_response_time","uht":"$upstream_header_time"}`
)

// realScenario is one request to the real nginx and what its access line
// must say. Lists use nginx's separators; addrs names the peers (DEAD0 …
// DEAD7, LIVE, BAD1, BAD2, NEVER, INVALID) and headers marks each attempt
// "+" with a header time, "-" without.
type realScenario struct {
	path, status      string
	statuses, headers string
	addrs             string
	generated         bool
}

var realScenarios = []realScenario{
	{"/ok", "200", "200", "+", "LIVE", false},
	{"/retry", "200", "502, 200", "-, +", "DEAD0, LIVE", false},
	{"/dead", "502", "502, 502", "-, -", "DEAD1, DEAD2", true},
	{"/nolive-prime", "502", "502, 502", "-, -", "DEAD3, DEAD4", true},
	{"/nolive", "502", "502", "-", "nolive_group", true},
	{"/backend502", "502", "502", "+", "BAD1", false},
	{"/both502", "502", "502, 502", "+, +", "BAD1, BAD2", false},
	{"/fallback", "200", "502 : 200", "- : +", "DEAD5 : LIVE", false},
	{"/fallback-dead", "200", "502, 502 : 200", "-, - : +", "DEAD6, DEAD7 : LIVE", false},
	{"/timeout", "504", "504", "-", "NEVER", true},
	{"/invalid", "502", "502", "-", "INVALID", true},
	{"/return502", "502", "", "", "", true},
	{"/escape", "200", "200", "+", "LIVE", false},
}

// Request line and user agent of /escape, sent raw: nginx escapes them.
const (
	escapeRequest = `GET /escape?q="x"&b=\ HTTP/1.1`
	escapeAgent   = "a \"b\" \\ \xc3\xa9"
)

// joinAttempts writes what of attempts as nginx writes a list.
func joinAttempts(as []UpstreamAttempt, what func(a *UpstreamAttempt) string) string {
	var b strings.Builder
	for i := range as {
		if i > 0 {
			if as[i].Group {
				b.WriteString(" : ")
			} else {
				b.WriteString(", ")
			}
		}
		b.WriteString(what(&as[i]))
	}
	return b.String()
}

// checkRealLog parses every line of a real log and checks it against its
// scenario; addrs maps peer names to addresses (nil: not checked). It
// returns the paths seen.
func checkRealLog(t *testing.T, p *Parser, log []byte, addrs *strings.Replacer) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	var rec Record
	for _, line := range bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n")) {
		if err := p.Parse(line, &rec); err != nil {
			t.Errorf("%v\n%s", err, line)
			continue
		}
		req := string(p.AppendUnescaped(nil, rec.Request))
		path, _, _ := strings.Cut(strings.TrimPrefix(req, "GET "), " ")
		path, _, _ = strings.Cut(path, "?")
		var sc *realScenario
		for i := range realScenarios {
			if realScenarios[i].path == path {
				sc = &realScenarios[i]
			}
		}
		if sc == nil {
			t.Errorf("line for no scenario: %s", line)
			continue
		}
		seen[path] = true
		statuses := joinAttempts(rec.Attempts, func(a *UpstreamAttempt) string { return string(a.Status) })
		if string(rec.Status) != sc.status || statuses != sc.statuses {
			t.Errorf("%s: status %s upstream %q, want %s %q\n%s", path, rec.Status, statuses, sc.status, sc.statuses, line)
		}
		if rec.Generated != sc.generated {
			t.Errorf("%s: Generated %v (guessed %v), want %v\n%s", path, rec.Generated, rec.GeneratedGuessed, sc.generated, line)
		}
		if rec.GeneratedGuessed {
			t.Logf("%s: Generated guessed: %s", path, line)
		}
		if p.HasVariable("upstream_header_time") {
			headers := joinAttempts(rec.Attempts, func(a *UpstreamAttempt) string {
				return map[bool]string{true: "+", false: "-"}[a.HeaderSeconds >= 0]
			})
			if headers != sc.headers || rec.GeneratedGuessed {
				t.Errorf("%s: headers %q (Generated guessed: %v), want %q\n%s", path, headers, rec.GeneratedGuessed, sc.headers, line)
			}
		}
		got := joinAttempts(rec.Attempts, func(a *UpstreamAttempt) string { return string(a.Upstream) })
		if addrs != nil && got != addrs.Replace(sc.addrs) {
			t.Errorf("%s: upstreams %q, want %q", path, got, addrs.Replace(sc.addrs))
		}
		if path == "/escape" {
			ua := string(p.AppendUnescaped(nil, rec.Field("http_user_agent")))
			if req != escapeRequest || ua != escapeAgent {
				t.Errorf("escaped request %q and user agent %q, want %q %q", req, ua, escapeRequest, escapeAgent)
			}
		}
	}
	return seen
}

// TestAccessTestdata parses the captured real lines.
func TestAccessTestdata(t *testing.T) {
	for _, l := range realLogs {
		b, err := os.ReadFile(l.file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Compile(l.format, l.escape)
		if err != nil {
			t.Fatal(err)
		}
		seen := checkRealLog(t, p, b, nil)
		for _, sc := range realScenarios {
			if !seen[sc.path] {
				t.Errorf("%s has no %s line; regenerate with go test ./logparse -run TestAccessRealNginx -update-access", l.file, sc.path)
			}
		}
	}
}
