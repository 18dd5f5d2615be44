package tailer

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// sinkRec records what a lineBuffer delivers; "<cut>" marks a cut.
type sinkRec struct{ got []string }

func (s *sinkRec) line(l []byte) bool { s.got = append(s.got, string(l)); return false }
func (s *sinkRec) cut()               { s.got = append(s.got, "<cut>") }

// feed pushes chunks through lb as reads of exactly those bytes would.
func feed(lb *lineBuffer, k sink, chunks ...string) {
	for _, c := range chunks {
		for c != "" {
			sp := lb.space()
			n := copy(sp, c)
			c = c[n:]
			lb.commit(n, k)
		}
	}
}

func TestLineBuffer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		max    int
		chunks []string
		want   []string
	}{
		{"lines", 100, []string{"a\nbb\n\nccc\n"}, []string{"a", "bb", "", "ccc"}},
		{"partial held", 100, []string{"he", "ll", "o\nwor"}, []string{"hello"}},
		{"crlf", 100, []string{"a\r\n", "b\r", "\n", "c\rd\n"}, []string{"a", "b", "c\rd"}},
		{"binary passes", 100, []string{"\x00\xff\xfe\n\x1b[0m\n"}, []string{"\x00\xff\xfe", "\x1b[0m"}},
		{"cut complete line", 4, []string{"abcdefgh\nij\n"}, []string{"abcd", "<cut>", "ij"}},
		{"cut across reads", 4, []string{"abc", "def", "ghi", "jkl\nmn\n"}, []string{"abcd", "<cut>", "mn"}},
		{"exactly max", 4, []string{"abcd\nabcd", "\n"}, []string{"abcd", "abcd"}},
		{"cr not counted", 4, []string{"abcd\r\n"}, []string{"abcd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lb := &lineBuffer{max: tc.max}
			s := &sinkRec{}
			feed(lb, s, tc.chunks...)
			if !slices.Equal(s.got, tc.want) {
				t.Fatalf("got %q, want %q", s.got, tc.want)
			}
		})
	}
}

func TestLineBufferSkipsLineStartedElsewhere(t *testing.T) {
	lb := &lineBuffer{max: 100, skip: true}
	s := &sinkRec{}
	feed(lb, s, "tail of a line\nnext\n")
	if want := []string{"next"}; !slices.Equal(s.got, want) {
		t.Fatalf("got %q, want %q", s.got, want)
	}
}

// A line longer than the read buffer grows it (up to max+1 bytes) and the
// buffer shrinks back once the line is done.
func TestLineBufferGrowsAndShrinks(t *testing.T) {
	long := strings.Repeat("x", 3*readBufSize)
	lb := &lineBuffer{max: DefaultMaxLineBytes}
	s := &sinkRec{}
	feed(lb, s, long[:readBufSize+7], long[readBufSize+7:]+"\nshort\n")
	if len(s.got) != 2 || s.got[0] != long || s.got[1] != "short" {
		t.Fatalf("got %d lines, first %d bytes", len(s.got), len(s.got[0]))
	}
	if len(lb.buf) <= readBufSize {
		t.Fatalf("buffer did not grow: %d", len(lb.buf))
	}
	lb.shrink()
	if len(lb.buf) != readBufSize {
		t.Fatalf("buffer did not shrink: %d", len(lb.buf))
	}
}

func TestLineBufferFlush(t *testing.T) {
	lb := &lineBuffer{max: 100}
	s := &sinkRec{}
	feed(lb, s, "a\nunterminated\r")
	lb.flush(s)
	lb.flush(s) // nothing left
	if want := []string{"a", "unterminated"}; !slices.Equal(s.got, want) {
		t.Fatalf("got %q, want %q", s.got, want)
	}
}

// The hot path must not allocate per line.
func TestLineBufferDoesNotAllocate(t *testing.T) {
	data := bytes.Repeat([]byte("2025/11/21 10:00:00 [error] 1#1: *1 upstream timed out\n"), 1000)
	lb := &lineBuffer{max: DefaultMaxLineBytes}
	lb.space()
	var n countSink
	allocs := testing.AllocsPerRun(100, func() {
		for rest := data; len(rest) > 0; {
			m := copy(lb.space(), rest)
			rest = rest[m:]
			lb.commit(m, &n)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run of 1000 lines", allocs)
	}
}

type countSink int

func (c *countSink) line([]byte) bool { *c++; return false }
func (c *countSink) cut()             {}
