package apacheerror

import (
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/internal/parsertest"
)

// benchOtherLines are lines of a busy Apache error log that are not
// upstream failures.
var benchOtherLines = []string{
	d24 + `[core:error] [pid 2211:tid 140011] [client 203.0.113.7:50122] AH00128: File does not exist: /var/www/html/wp-login.php`,
	d24 + `[authz_core:error] [pid 2211:tid 140012] [client 203.0.113.8:50123] AH01630: client denied by server configuration: /var/www/html/.env`,
	d24 + `[ssl:info] [pid 2211:tid 140013] [client 203.0.113.9:50124] AH01964: Connection to child 12 established (server shop.example.com:443)`,
	d24 + `[mpm_event:notice] [pid 1:tid 140010] AH00489: Apache/2.4.62 (Debian) OpenSSL/3.0.15 configured -- resuming normal operations`,
	d24 + `[php:error] [pid 2211:tid 140014] [client 203.0.113.10:50125] script '/var/www/html/xmlrpc.php' not found or unable to stat`,
	d24 + `[core:info] [pid 2211:tid 140015] [client 203.0.113.11:50126] AH00566: request failed: malformed request line`,
}

// benchFailureLines are upstream failures of every kind.
var benchFailureLines = []string{
	apacheCases[0].line, apacheCases[6].line, apacheCases[9].line, apacheCases[10].line,
	apacheCases[14].line, apacheCases[17].line, apacheCases[19].line, apacheCases[23].line,
}

func BenchmarkApacheErrorParserNonFailure(b *testing.B) {
	var p Parser
	parsertest.Benchmark(b, p.Parse, parsertest.ToBytes(benchOtherLines))
}

func BenchmarkApacheErrorParserFailure(b *testing.B) {
	var p Parser
	parsertest.Benchmark(b, p.Parse, parsertest.ToBytes(benchFailureLines))
}

// Parsing allocates nothing, failures included.
func TestApacheParseAllocs(t *testing.T) {
	var lines [][]byte
	for _, tc := range apacheCases {
		lines = append(lines, parsertest.ToBytes(strings.Split(tc.line, "\n"))...)
	}
	lines = append(lines, parsertest.ToBytes(benchOtherLines)...)
	var p Parser
	if allocs := testing.AllocsPerRun(20, func() {
		for _, l := range lines {
			p.Parse(l, parsertest.Discard)
			LooksLike(l)
		}
	}); allocs != 0 {
		t.Errorf("%v allocs per run, want 0", allocs)
	}
}

// FuzzApacheErrorParser: any input parses without panicking, and an event
// always has a cause, a known status and slices inside the line.
func FuzzApacheErrorParser(f *testing.F) {
	for _, tc := range apacheCases {
		f.Add(tc.line)
	}
	for _, l := range benchOtherLines {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var p Parser
		for _, line := range strings.Split(input, "\n") {
			b := []byte(line)
			r := p.Parse(b, func(ev *logparse.Event) {
				if ev.Cause.String() == "none" || ev.Proxy != logparse.ProxyApache {
					t.Fatalf("event without cause: %+v", ev)
				}
				switch ev.Status {
				case 0, 500, 502, 503:
				default:
					t.Fatalf("status %d", ev.Status)
				}
				upstream := strings.TrimPrefix(string(ev.Upstream), "unix:")
				if ev.Cause == cause.TLSVerifyFailed && !strings.Contains(line, upstream) && strings.Contains(input, upstream) {
					upstream = "" // the peer of the verification failure's own line
				}
				for _, s := range [][]byte{[]byte(upstream), ev.Client, ev.Level} {
					if len(s) > 0 && !strings.Contains(line, string(s)) {
						t.Fatalf("slice %q not in the line", s)
					}
				}
			})
			if r > logparse.ResultClassified {
				t.Fatalf("result %d", r)
			}
			LooksLike(b)
		}
	})
}
