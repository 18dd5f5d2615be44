package containerlog

import (
	"strings"
	"testing"
)

// Holding: parts read but not returned, of either stream, until their
// message ends or is cut.
func TestJoinerHolding(t *testing.T) {
	j := NewJoiner(CRI, 8)
	const ts = "2026-11-20T03:14:22.1Z "
	for i, step := range []struct {
		line string
		want bool
	}{
		{ts + "stdout F whole", false},
		{ts + "stdout P ab", true},
		{ts + "stderr F other stream", true}, // stdout still holds ab
		{ts + "stderr P ", true},             // an empty part is held too
		{ts + "stdout F cd", true},           // stderr's part
		{ts + "stderr F x", false},
		{"garbage", false},
		{ts + "stdout P 1234", true},
		{ts + "stdout P 56789", false}, // cut at 8 bytes: let go
		{ts + "stdout P " + strings.Repeat("x", 100), false},
		{ts + "stdout F end", false},
		{ts + "stdout P again", true},
	} {
		j.Line([]byte(step.line))
		if got := j.Holding(); got != step.want {
			t.Fatalf("after line %d %q: Holding() = %v, want %v", i, step.line, got, step.want)
		}
	}
}

// An endless run of empty parts never reaches the limit: it is let go
// after maxHeldParts parts.
func TestJoinerHoldingEmptyPartsBounded(t *testing.T) {
	j := NewJoiner(CRI, 0)
	line := []byte("2026-11-20T03:14:22.1Z stdout P ")
	for i := 1; i <= maxHeldParts+1; i++ {
		j.Line(line)
		if want := i <= maxHeldParts; j.Holding() != want {
			t.Fatalf("after %d empty parts: Holding() = %v, want %v", i, j.Holding(), want)
		}
	}
}
