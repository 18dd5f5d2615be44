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
	data, _ := os.ReadFile("../../examples/logs/error-docker.log")
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
