package haproxy

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// hapSeedLines is every line of the HAProxy table tests and of the real
// capture, plus degenerate lines that overlap the markers.
func hapSeedLines(tb testing.TB) []string {
	var lines []string
	for _, set := range [][]hapCase{hapTermStateCases, hapTCPLogCases, hapFormatCases, hapCheckCases,
		hapStateCases, hapHealthCheckLineCases, hapOtherCases, hapJSONCases} {
		for _, tc := range set {
			lines = append(lines, tc.line)
		}
	}
	if f, err := os.Open("testdata/haproxy-2.6.log"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	} else {
		tb.Fatal(err)
	}
	lines = append(lines, operatorLines(tb)...)
	return append(lines, hapDegenerateLines...)
}

var hapDegenerateLines = []string{
	"SC-- 1/1/0/0/0", "-- 0/0/0/0/+", "SC 1/1/0/0/0 x", `"a" "b" "c" 1 2 3 4 5 SC-- 1 2 3 4 5`,
	`x] "TCP " 000 "a" "b" "c" 1 2 3 4 5 SC-- 1 2 3 4 5`, "Server ", "Server a/ is DOWN", "Server /b is UP",
	"Server a/b ('", "Server a/b ('x') ", "Server a/b is DOWN, reason: ", `Server a/b is DOWN, reason: Layer4 connection problem, info: "`,
	"Health check for server a/b failed, reason: ", "backend  has no server available!", "backend ' has no server available!",
	"backend '' has no server available!", "<", "<1", "<999999>x", "<134>1 ", "<134>1 a b c d e [", `<134>1 a b c d e [x y="\`,
	"[", "[A]", "[WARNING] (", "[WARNING]  (1) :", "[WARNING] 1/ (1) : x", "{", `{"`, `{"a":`, `{"a":{`, `{"a":"\`,
	`{"termination_state":"SC--","backend_name":"","server_name":""}`, `{"termination_state":"sH","server":"s"}`,
	": : : : :", "a: b: c: d: e: f:", "haproxy[1]: ", "haproxy[]: x", "2024-01-01T00:00:00Z stdout F ",
	"1.2.3.4:5 [01/Jan/2024:00:00:00.000] fe be/s 1/2/3/4/5 200 1 - - SC-- 1/1/1/1/1", "1.2.3.4:5 [01/Jan/2024:00:00:00.000] fe/x:",
	`"" "/" "0" 0 0 0 0 0 CC 0 0 0 0 0`, `{"backend":"a/b","server":"c","tsc":"SH"}`,
}

// FuzzHAProxyParser feeds arbitrary text, split into lines, to one parser:
// it must never panic, and what it emits must make sense.
func FuzzHAProxyParser(f *testing.F) {
	for _, line := range hapSeedLines(f) {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var p Parser
		for _, line := range strings.Split(input, "\n") {
			b := []byte(line)
			emitted := 0
			var result logparse.Result
			result = p.Parse(b, func(ev *logparse.Event) {
				emitted++
				checkHAProxyEvent(t, line, ev)
			})
			if emitted > 1 || emitted == 1 && result == logparse.ResultUnrecognized {
				t.Fatalf("%v line emitted %d events: %q", result, emitted, line)
			}
			if result > logparse.ResultClassified {
				t.Fatalf("result %d", result)
			}
			if result == logparse.ResultClassified && emitted == 0 {
				t.Fatalf("classified line emitted nothing: %q", line)
			}
			if LooksLike(b) != (result != logparse.ResultUnrecognized) {
				t.Fatalf("LooksLike disagrees with %v: %q", result, line)
			}
		}
		_ = ClassifyLine(input)
	})
}

// numCauses bounds the taxonomy: cause.None and every value of cause.All().
var numCauses = cause.Cause(len(cause.All()) + 1)

// checkHAProxyEvent asserts the invariants of one emitted event.
func checkHAProxyEvent(t *testing.T, line string, ev *logparse.Event) {
	t.Helper()
	if ev.Proxy != logparse.ProxyHAProxy || ev.Cause >= numCauses || ev.Lines != 1 || ev.ConnID != 0 {
		t.Fatalf("event %+v for %q", ev, line)
	}
	switch ev.Kind {
	case logparse.KindRequest:
		if ev.Status < -1 || ev.Status > 0 && (ev.Status < 100 || ev.Status > 999) || ev.NoLiveUpstreams {
			t.Fatalf("request event %+v for %q", ev, line)
		}
		if ev.ResponseSeconds != -1 && ev.ResponseSeconds < 0 {
			t.Fatalf("response seconds %v for %q", ev.ResponseSeconds, line)
		}
	case logparse.KindHealth:
		if ev.Status != 0 || len(ev.Upstream) == 0 || ev.NoLiveUpstreams && ev.Cause != cause.NoLiveUpstreams ||
			ev.Health == logparse.HealthUp && ev.Cause != cause.None {
			t.Fatalf("health event %+v for %q", ev, line)
		}
	default:
		t.Fatalf("kind %d for %q", ev.Kind, line)
	}
	for _, field := range [][]byte{ev.Server, ev.Client, ev.Request} {
		if !strings.Contains(line, string(field)) {
			t.Fatalf("field %q is not a piece of %q", field, line)
		}
	}
	if !strings.Contains(line, string(ev.Upstream)) {
		be, srv, ok := bytes.Cut(ev.Upstream, []byte("/"))
		if !ok || !strings.Contains(line, string(be)) || !strings.Contains(line, string(srv)) {
			t.Fatalf("upstream %q does not come from %q", ev.Upstream, line)
		}
	}
	if len(ev.Level) > 0 && !strings.Contains("emerg alert crit error warn notice info debug", string(ev.Level)) {
		t.Fatalf("level %q", ev.Level)
	}
}
