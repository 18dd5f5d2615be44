package awsalb

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// realLine is a line of testdata/real.txt with what it must give.
type realLine struct {
	source, line        string
	cause, status, want string
	generated           bool
}

func readRealLines(tb testing.TB) []realLine {
	tb.Helper()
	f, err := os.Open("testdata/real.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []realLine
	var source, want string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		t := sc.Text()
		switch {
		case strings.HasPrefix(t, "# source: "):
			source = strings.TrimPrefix(t, "# source: ")
		case strings.HasPrefix(t, "# want: "):
			want = strings.TrimPrefix(t, "# want: ")
		case t == "" || strings.HasPrefix(t, "#"):
		default:
			w := strings.Fields(want)
			if len(w) != 3 || source == "" {
				tb.Fatalf("line without a source and a `# want:` before it: %q", t)
			}
			out = append(out, realLine{source: source, line: t, cause: w[0], status: w[1], generated: w[2] == "true", want: want})
			want = ""
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestRealLines(t *testing.T) {
	lines := readRealLines(t)
	if len(lines) < 15 {
		t.Fatalf("only %d real lines", len(lines))
	}
	for _, rl := range lines {
		kind, ok := Detect([]byte(rl.line))
		if !ok {
			t.Errorf("Detect: not an AWS line: %s", rl.line)
			continue
		}
		var rec Record
		if err := parse([]byte(rl.line), kind, &rec); err != nil {
			t.Errorf("%v\n  line %s\n  source %s", err, rl.line, rl.source)
			continue
		}
		if got := rec.Cause.String(); got != rl.cause {
			t.Errorf("cause %s, want %s\n  line %s", got, rl.cause, rl.line)
		}
		if string(rec.ELBStatus()) != rl.status || rec.Generated != rl.generated {
			t.Errorf("status %s generated %v, want %s %v\n  line %s", rec.ELBStatus(), rec.Generated, rl.status, rl.generated, rl.line)
		}
		if kind == KindALB && string(LoadBalancerName(rec.LoadBalancer())) == "" {
			t.Errorf("no load balancer name in %s", rl.line)
		}
	}
}

// TestRealLinesAllocateNothing: every real line parses without allocating.
func TestRealLinesAllocateNothing(t *testing.T) {
	var rec Record
	for _, rl := range readRealLines(t) {
		b := []byte(rl.line)
		kind, _ := Detect(b)
		if n := testing.AllocsPerRun(100, func() { _ = parse(b, kind, &rec) }); n != 0 {
			t.Errorf("%v allocs/op for %s", n, rl.line)
		}
	}
}
