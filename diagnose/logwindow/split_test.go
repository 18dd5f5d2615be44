package logwindow

import (
	"bytes"
	"slices"
	"testing"
)

type splitLine struct {
	text  string
	start int64
	full  int64
}

// forwardReference splits data with bytes.Split, as the scanners should.
func forwardReference(data []byte, maxLine int) []splitLine {
	var out []splitLine
	parts := bytes.Split(data, []byte("\n"))
	if len(parts) > 0 && len(parts[len(parts)-1]) == 0 {
		parts = parts[:len(parts)-1] // a final '\n' starts no line
	}
	off := int64(0)
	for _, p := range parts {
		out = append(out, splitLine{string(p[:min(len(p), maxLine)]), off, int64(len(p))})
		off += int64(len(p)) + 1
	}
	return out
}

func scanBackwards(data []byte, block, maxLine int) ([]splitLine, error) {
	s := newBackScanner(bytes.NewReader(data), 0, int64(len(data)), block, maxLine)
	var out []splitLine
	for n := 0; n <= len(data)+1; n++ {
		l, ok := s.prev()
		if !ok {
			break
		}
		out = append(out, splitLine{string(l.Text), l.Start, l.Full})
	}
	slices.Reverse(out)
	return out, s.Err()
}

func scanForwards(data []byte, block, maxLine int) ([]splitLine, error) {
	s := newFwdScanner(bytes.NewReader(data), 0, int64(len(data)), block, maxLine)
	var out []splitLine
	for n := 0; n <= len(data)+1; n++ {
		l, ok := s.next()
		if !ok {
			break
		}
		out = append(out, splitLine{string(l.Text), l.Start, l.Full})
	}
	return out, s.Err()
}

// The backwards splitter returns the lines of a forwards split in reverse
// order, cut the same way, for any block size and line cap; so does the
// forwards splitter the window is classified with.
func FuzzBackwardSplit(f *testing.F) {
	for _, s := range []string{"", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\n\nb\n\n", "long line here\nx\n", "\xff\x00\n\r\n"} {
		f.Add([]byte(s), uint8(1), uint8(3))
		f.Add([]byte(s), uint8(4), uint8(200))
	}
	f.Fuzz(func(t *testing.T, data []byte, block, maxLine uint8) {
		b, m := int(block%64)+1, int(maxLine%64)+1
		want := forwardReference(data, m)
		back, err := scanBackwards(data, b, m)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(back, want) {
			t.Fatalf("block %d, max %d: backwards %+v, want %+v", b, m, back, want)
		}
		fwd, err := scanForwards(data, b, m)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(fwd, want) {
			t.Fatalf("block %d, max %d: forwards %+v, want %+v", b, m, fwd, want)
		}
	})
}

// A range that starts inside a line marks its first line Partial.
func TestBackScannerPartialFirstLine(t *testing.T) {
	data := []byte("first line\nsecond\nthird\n")
	s := newBackScanner(bytes.NewReader(data), 3, int64(len(data)), 4, 100)
	var got []backLine
	for {
		l, ok := s.prev()
		if !ok {
			break
		}
		l.Text = bytes.Clone(l.Text)
		got = append(got, l)
	}
	if len(got) != 3 || string(got[2].Text) != "st line" || !got[2].Partial || got[1].Partial {
		t.Fatalf("lines: %+v", got)
	}
}
