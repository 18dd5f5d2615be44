package s3source

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func split(t *testing.T, in string, max int) []string {
	t.Helper()
	s := newLineSplitter(strings.NewReader(in), max)
	var out []string
	for {
		line, err := s.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(line))
	}
}

func TestLineSplitter(t *testing.T) {
	long := strings.Repeat("y", 100<<10)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a\nb\n", []string{"a", "b"}},
		{"a\nb", []string{"a", "b"}},       // the last line of an object needs no newline
		{"\n\na\n", []string{"", "", "a"}}, // empty lines are lines
		{"", nil},
		{"a\n" + long + "\nb\n", []string{"a", long[:40<<10], "b"}}, // cut, the rest dropped
		{long, []string{long[:40<<10]}},
		{"\xff\xfe\x00\n", []string{"\xff\xfe\x00"}},
	} {
		got := split(t, tc.in, 40<<10)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("split(%.20q…) = %d lines, want %d", tc.in, len(got), len(tc.want))
		}
	}
}

// Splitting and batching lines allocate nothing per line.
func TestLineSplitterNoAllocsPerLine(t *testing.T) {
	data := bytes.Repeat([]byte(`2026/11/20 03:14:22 [error] 31#31: *1021 connect() failed (111: Connection refused) while connecting to upstream`+"\n"), 20000)
	r := bytes.NewReader(data)
	s := newLineSplitter(r, DefaultMaxLineBytes)
	b := newBatch()
	allocs := testing.AllocsPerRun(5, func() {
		r.Reset(data)
		s.r.Reset(r)
		b.data, b.ends = b.data[:0], b.ends[:0]
		for {
			line, err := s.next()
			if err != nil {
				break
			}
			if len(b.data)+len(line) > batchBytes {
				b.data, b.ends = b.data[:0], b.ends[:0]
			}
			b.data = append(b.data, line...)
			b.ends = append(b.ends, len(b.data))
		}
	})
	if perLine := allocs / 20000; perLine > 0.01 {
		t.Errorf("%.3f allocs per line (%v per 20000 lines)", perLine, allocs)
	}
}
