package nginxerror

import (
	"bytes"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// nginxSeedLines is every line of the table tests.
func nginxSeedLines() []string {
	var lines []string
	for _, table := range [][]nginxCase{
		nginxConnectErrnoCases, nginxTimeoutsCases, nginxResetsAndClosesCases,
		nginxResponseCausesCases, nginxDNSConfigResourcesCases, nginxThirdPartyModulesCases,
		nginxNoneCases, nginxUnrecognizedCases, nginxPrefixCases,
	} {
		for _, tc := range table {
			lines = append(lines, tc.line)
		}
	}
	lines = append(lines, strings.Join(phpFatalLines, "\n"), longRequestLine(), longRequestLine()[:2047])
	for _, tc := range nginxRemainingCases {
		lines = append(lines, tc.line)
	}
	lines = append(lines, degenerateLines...)
	return append(lines, phpFatalLines...)
}

// degenerateLines overlap markers with each other (the " while " of the
// action starting inside a message prefix, empty names, lone quotes).
var degenerateLines = []string{
	"unexpected DNS response for while x",
	"no resolver defined to resolve while y",
	"connect() to while connecting to upstream",
	"connect() to  failed (111: x) while connecting to upstream",
	"upstream-dynamic-servers:  while x",
	"proxy_connect: no resolver defined to resolve  while y",
	`host not found in upstream "`,
	`FastCGI sent in stderr: "`,
	`FastCGI sent in stderr: "" while `,
	`upstream timed out, client: , server: , request: ", upstream: ", host: "`,
	`[error] 1#1: *99999999999999999999999 upstream timed out`,
	"[error]",
	"[",
	"*",
}

func TestNginxDegenerateLines(t *testing.T) {
	for _, line := range degenerateLines {
		ClassifyLine(line) // must not panic
		ClassifyLine(ts + "[error] 31#31: *1 " + line)
	}
}

var validStatus = map[int]bool{0: true, 500: true, 502: true, 504: true}

// numCauses bounds the taxonomy: cause.None and every value of cause.All().
var numCauses = cause.Cause(len(cause.All()) + 1)

// FuzzNginxErrorParser feeds arbitrary text, split into physical lines, to
// one parser: it must never panic, and what it emits must make sense.
func FuzzNginxErrorParser(f *testing.F) {
	for _, line := range nginxSeedLines() {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var p Parser
		emitted := 0
		check := func(ev *logparse.Event) {
			emitted++
			if ev.Cause == cause.None || ev.Cause >= numCauses {
				t.Fatalf("emitted cause %d", ev.Cause)
			}
			if ev.Proxy != logparse.ProxyNginx || !validStatus[ev.Status] || ev.Lines < 1 {
				t.Fatalf("emitted %+v", ev)
			}
			if len(ev.Level) > 0 && matchLevel(append(append([]byte{}, ev.Level...), "] "...)) == 0 {
				t.Fatalf("level %q", ev.Level)
			}
			for _, field := range [][]byte{ev.Upstream, ev.Server, ev.Client, ev.Request, ev.Host} {
				if !strings.Contains(input, string(field)) || bytes.IndexByte(field, '\n') >= 0 {
					t.Fatalf("field %q is not a piece of one input line", field)
				}
			}
			if len(ev.Upstream) > 0 && bytes.HasPrefix(ev.Upstream, []byte("http://")) {
				t.Fatalf("upstream %q keeps its scheme", ev.Upstream)
			}
		}
		for _, line := range strings.Split(input, "\n") {
			pendingBefore := p.fastcgi.pending
			emitted = 0
			r := p.Parse([]byte(line), check)
			switch r {
			case logparse.ResultClassified:
				if emitted > 2 {
					t.Fatalf("%d events for one line", emitted)
				}
			case logparse.ResultIgnored, logparse.ResultUnrecognized:
				// Only a pending FastCGI record, cut short by this line, may come out.
				if emitted > 1 || emitted == 1 && !pendingBefore {
					t.Fatalf("%v line emitted %d events", r, emitted)
				}
			default:
				t.Fatalf("result %d", r)
			}
		}
		emitted = 0
		p.Flush(check)
		p.Flush(check)
		if emitted > 1 {
			t.Fatalf("Flush emitted %d events", emitted)
		}
		_ = ClassifyLine(input)
	})
}
