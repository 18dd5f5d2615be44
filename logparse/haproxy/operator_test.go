package haproxy

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
)

// operatorVerdict is the cause and server one line gives on its own: the
// event's for a line that emits one, the verdict's for a health-check line
// (which is not a state change and emits nothing).
func operatorVerdict(line string) (c, upstream string) {
	var p Parser
	var v hapVerdict
	classifyHAProxy([]byte(line), &v)
	if !v.event && !v.checkLine {
		return "-", "-"
	}
	c, upstream = v.cause.String(), string(p.upstream(&v))
	if v.cause == cause.None {
		c = "-"
	}
	if upstream == "" {
		upstream = "-"
	}
	return c, upstream
}

// TestHAProxyOperatorLines scores testdata/operator-lines.tsv, lines as
// operators' tools show them, per kind; every line must give its cause and
// server.
func TestHAProxyOperatorLines(t *testing.T) {
	f, err := os.Open("testdata/operator-lines.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type score struct{ lines, cause, server int }
	scores := map[string]*score{}
	var kinds []string
	kind, total := "", score{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if k, ok := strings.CutPrefix(line, "# kind: "); ok {
			kind = k
			scores[kind] = &score{}
			kinds = append(kinds, kind)
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 || kind == "" {
			t.Fatalf("malformed test line: %q", line)
		}
		wantCause, wantServer, text := parts[0], parts[1], parts[2]
		gotCause, gotServer := operatorVerdict(text)
		s := scores[kind]
		s.lines++
		total.lines++
		if gotCause == wantCause {
			s.cause++
			total.cause++
		}
		if gotServer == wantServer {
			s.server++
			total.server++
		}
		if gotCause != wantCause || gotServer != wantServer {
			t.Errorf("%s: %s\n got cause %s server %s, want %s %s", kind, text, gotCause, gotServer, wantCause, wantServer)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		s := scores[k]
		t.Logf("%-16s %2d lines: cause %2d/%d, server %2d/%d", k, s.lines, s.cause, s.lines, s.server, s.lines)
	}
	t.Logf("%-16s %2d lines: cause %2d/%d, server %2d/%d", "total", total.lines, total.cause, total.lines, total.server, total.lines)
	if total.lines < 40 {
		t.Errorf("only %d lines in the test set", total.lines)
	}
}

// operatorLines returns the log lines of testdata/operator-lines.tsv.
func operatorLines(tb testing.TB) []string {
	data, err := os.ReadFile("testdata/operator-lines.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if parts := strings.SplitN(l, "\t", 3); len(parts) == 3 && !strings.HasPrefix(l, "#") {
			lines = append(lines, parts[2])
		}
	}
	return lines
}

// Lines that look a little like the kinds above but are not HAProxy's, or
// say less than a cause: they must not be given one.
func TestHAProxyOperatorLookalikes(t *testing.T) {
	for _, line := range []string{
		"the CD drive/player is broken",                                                      // prose: a state beside a slash
		"10.1.1.1:51000 fe_https~ SC be_app/app1 503",                                        // no date, TLS token or <NOSRV>
		"Server Our database is DOWN again",                                                  // not `NAME is`
		"Server web/01 x is DOWN",                                                            // name followed by another word
		`Layer4 connection problem, info: "Connection refused"`,                              // fragment without check duration
		"reason: Layer9 invented, check duration: 1ms",                                       // unknown reason
		`{"ts":"2024-11-21T10:00:00Z","server":{"name":"x"},"status":503}`,                   // ts is a timestamp
		`{"a":{"b":{"c":{"d":{"e":{"termination_state":"SC--","server":"s"}}}}}}`,            // deeper than hapJSONDepth
		"[WARNING] Server be/srv is DOWN",                                                    // no (pid)
		"app-1  | 2024-03-05T10:22:31Z [INFO] Server be/srv is DOWN, reason: Layer4 timeout", // not HAProxy's prefix
	} {
		if c, up := operatorVerdict(line); c != "-" || up != "-" {
			t.Errorf("line: %s\n got cause %s server %s, want none", line, c, up)
		}
	}
	// A cut reason that could be several gives no cause beyond marked_down.
	for line, want := range map[string]string{
		"Server be/srv is DOWN, reason: Layer7 …":  "marked_down",
		"Server be/srv is DOWN, reason: Layer":     "marked_down",
		"Server be/srv is DOWN, reason: Layer7 ti": "read_timeout",
	} {
		if c, _ := operatorVerdict(line); c != want {
			t.Errorf("line: %s\n got cause %s, want %s", line, c, want)
		}
	}
}

// `fe ~ be/srv`: the frontend is the word before the marker.
func TestHAProxySpaceBeforeSSLMarker(t *testing.T) {
	line := `Mar  5 10:22:31 lb1 haproxy[2203]: 10.0.0.7:51534 [05/Mar/2024:10:22:31.998] fe_https ~ be_app/app1 0/0/-1/-1/3003 503 217 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"`
	got := ClassifyLine(line)
	if got.Server != "fe_https" || got.Upstream != "be_app/app1" || got.Cause != cause.ConnectionRefused || got.Status != 503 {
		t.Errorf("got %+v", got)
	}
}
