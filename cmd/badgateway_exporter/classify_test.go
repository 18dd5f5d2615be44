package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func classifyRun(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"classify"}, args...), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// jsonl writes exactly one object per input line, in order, and a FastCGI
// record spanning lines is reported on its first line.
func TestClassifyJSONLOneObjectPerLine(t *testing.T) {
	data, err := os.ReadFile("../../examples/logs/error.log")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := classifyRun(t, "", "--output=jsonl", "../../examples/logs/error.log")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	inputLines := strings.Count(string(data), "\n")
	var results []lineResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r lineResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("not JSON: %q: %v", sc.Text(), err)
		}
		results = append(results, r)
	}
	if len(results) != inputLines {
		t.Fatalf("%d objects for %d lines", len(results), inputLines)
	}
	byCause := map[string]int{}
	for i, r := range results {
		if r.Line != i+1 {
			t.Fatalf("object %d has line %d", i, r.Line)
		}
		byCause[r.Cause]++
	}
	first := results[2]
	if first.Cause != "connection_refused" || first.Upstream != "10.0.2.14:8080" || first.Server != "shop.example.com" || first.Status != 502 || first.ConnID != 1021 {
		t.Errorf("line 3 = %+v", first)
	}
	fcgi := results[15]
	if fcgi.Cause != "fastcgi_stderr" || fcgi.Upstream != "unix:/run/php/php8.2-fpm.sock" {
		t.Errorf("line 16 (FastCGI head) = %+v", fcgi)
	}
	for _, r := range results[16:20] {
		if r.PartOf != 16 || r.Cause != "none" {
			t.Errorf("continuation line %d = %+v, want part_of 16", r.Line, r)
		}
	}
	if byCause["fastcgi_stderr"] != 1 || byCause["connection_refused"] != 2 || byCause["none"] != 9 {
		t.Errorf("causes = %v", byCause)
	}
}

func TestClassifyTableFromStdin(t *testing.T) {
	data, err := os.ReadFile("../../examples/logs/error-docker.log")
	if err != nil {
		t.Fatalf("example log: %v", err)
	}
	out, stderr, code := classifyRun(t, string(data))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"connection_refused", "172.18.0.3:3000", "host_unreachable", "read_timeout", "504",
		"premature_close", "10.244.1.17:8080", "What to try first:",
		"5 lines: 4 upstream failures (on 4 lines), 0 other lines, 1 unrecognized",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestClassifyMissingFile(t *testing.T) {
	_, stderr, code := classifyRun(t, "", "/nonexistent/error.log")
	if code != 1 || !strings.Contains(stderr, "/nonexistent/error.log") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestClassifyDashIsStdinAndLongLines(t *testing.T) {
	long := strings.Repeat("x", 3*maxClassifyLine) // cut, not fatal
	in := long + "\n2026/11/20 03:14:22 [error] 31#31: *1 no live upstreams while connecting to upstream, client: 1.2.3.4, server: s, request: \"GET / HTTP/1.1\", upstream: \"http://grp/\", host: \"s\""
	out, stderr, code := classifyRun(t, in, "--output=jsonl", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"cause":"no_live_upstreams"`) || !strings.Contains(lines[1], `"upstream":"grp"`) {
		t.Errorf("output:\n%s", out)
	}
}

// --proxy=auto decides per line: an HAProxy line and an nginx line in one input.
func TestClassifyAutoMixesProxies(t *testing.T) {
	in := `Nov 21 11:01:17 lb haproxy[31760]: 127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /x HTTP/1.1"
2026/11/20 03:14:22 [error] 31#31: *1021 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.14:8080/", host: "shop"
[WARNING]  (31760) : Server be/s2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
`
	out, stderr, code := classifyRun(t, in, "--output=jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []lineResult
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r lineResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []lineResult{
		{Line: 1, Proxy: "haproxy", Cause: "connection_refused", Upstream: "be/s1", Server: "fe", Status: 503, Kind: "request"},
		{Line: 2, Proxy: "nginx", Cause: "connection_refused", Upstream: "10.0.2.14:8080", Server: "shop", Status: 502, Kind: "error"},
		{Line: 3, Proxy: "haproxy", Cause: "connection_refused", Upstream: "be/s2", Kind: "health", State: "down"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d objects", len(got))
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Proxy != w.Proxy || g.Cause != w.Cause || g.Upstream != w.Upstream || g.Server != w.Server || g.Status != w.Status || g.Kind != w.Kind || g.State != w.State {
			t.Errorf("line %d = %+v, want %+v", i+1, g, w)
		}
	}
	table, _, _ := classifyRun(t, in, "--proxy=auto")
	if !strings.Contains(table, "connection_refused (health down)") || !strings.Contains(table, "be/s1") {
		t.Errorf("table:\n%s", table)
	}
}

// With --proxy=auto an HAProxy line inside an open FastCGI record keeps its
// own result, and the record goes to its first line.
func TestClassifyAutoHAProxyInsideFastCGIRecord(t *testing.T) {
	in := "2026/11/20 03:19:20 [error] 31#31: *1408 FastCGI sent in stderr: \"PHP message: boom\n" +
		`Nov 21 11:01:17 lb haproxy[31760]: 127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /x HTTP/1.1"` + "\n" +
		`#0 {main}" while reading response header from upstream, client: 192.0.2.16, server: blog, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php.sock:", host: "blog"` + "\n"
	out, stderr, code := classifyRun(t, in, "--output=jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []lineResult
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r lineResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 3 || got[0].Line != 1 || got[1].Line != 2 || got[2].Line != 3 {
		t.Fatalf("lines out of order: %+v", got)
	}
	if got[0].Cause != "fastcgi_stderr" || got[0].Upstream != "unix:/run/php.sock" {
		t.Errorf("line 1 = %+v, want the FastCGI record", got[0])
	}
	if got[1].Proxy != "haproxy" || got[1].Cause != "connection_refused" || got[1].Upstream != "be/s1" {
		t.Errorf("line 2 = %+v, want the HAProxy request", got[1])
	}
	if got[2].PartOf != 1 {
		t.Errorf("line 3 = %+v, want part_of 1", got[2])
	}
}

// A file that cannot be opened stops classify before it prints anything,
// even when other files could be read.
func TestClassifyMissingFilePrintsNoTable(t *testing.T) {
	for _, args := range [][]string{{"nope.log"}, {"../../examples/logs/error.log", "/nonexistent/b.log", "/nonexistent/c.log"}} {
		out, stderr, code := classifyRun(t, "", args...)
		if code != 1 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want 1 and nothing", args, code, out)
		}
		for _, name := range args[1:] {
			if !strings.Contains(stderr, name) {
				t.Errorf("%v: stderr %q does not name %s", args, stderr, name)
			}
		}
	}
}

// An access log is not what classify reads: it says so instead of an empty
// table, and a log it reads has no such hint.
func TestClassifyAccessLogSaysWhatItReads(t *testing.T) {
	out, stderr, code := classifyRun(t, "", "../../examples/logs/access.log")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"No upstream failures found.", "classify reads nginx error logs, HAProxy logs and Apache httpd error logs only", "nginx_access"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "CAUSE") {
		t.Errorf("empty table printed:\n%s", out)
	}
	out, _, _ = classifyRun(t, "", "../../examples/logs/haproxy.log")
	if strings.Contains(out, "Unrecognized lines:") {
		t.Errorf("hint on a log classify reads:\n%s", out)
	}
}

// --proxy=auto tells Apache (2.4 and 2.2) from nginx and HAProxy; --proxy=apache
// reads Apache lines only.
func TestClassifyApache(t *testing.T) {
	in := `[Wed Dec 02 14:53:06.123456 2026] [proxy:error] [pid 1234:tid 5] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed
[Wed Oct 11 14:32:52 2000] [error] [client 192.0.2.10] (70007)The timeout specified has expired: proxy: error reading status line from remote server localhost:8080
2026/11/20 03:14:22 [error] 31#31: *1021 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.2.14:8080/", host: "shop"
`
	for _, tc := range []struct {
		flag string
		want []lineResult
	}{
		{"--proxy=auto", []lineResult{
			{Line: 1, Proxy: "apache", Cause: "connection_refused", Upstream: "127.0.0.1:8080", Status: 503},
			{Line: 2, Proxy: "apache", Cause: "read_timeout", Upstream: "localhost:8080", Status: 502},
			{Line: 3, Proxy: "nginx", Cause: "connection_refused", Upstream: "10.0.2.14:8080", Status: 502},
		}},
		{"--proxy=apache", []lineResult{
			{Line: 1, Proxy: "apache", Cause: "connection_refused", Upstream: "127.0.0.1:8080", Status: 503},
			{Line: 2, Proxy: "apache", Cause: "read_timeout", Upstream: "localhost:8080", Status: 502},
			{Line: 3, Proxy: "apache", Cause: "none"},
		}},
	} {
		out, stderr, code := classifyRun(t, in, "--output=jsonl", tc.flag)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.flag, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(tc.want) {
			t.Fatalf("%s: output:\n%s", tc.flag, out)
		}
		for i, w := range tc.want {
			var g lineResult
			if err := json.Unmarshal([]byte(lines[i]), &g); err != nil {
				t.Fatal(err)
			}
			if g.Line != w.Line || g.Proxy != w.Proxy || g.Cause != w.Cause || g.Upstream != w.Upstream || g.Status != w.Status {
				t.Errorf("%s: line %d = %+v, want %+v", tc.flag, i+1, g, w)
			}
		}
	}
}
