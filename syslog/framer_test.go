package syslog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader returns data in reads of the sizes in chunks (cycled), then
// io.EOF.
type chunkReader struct {
	data   []byte
	chunks []int
	i      int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.chunks) > 0 {
		n = max(1, r.chunks[r.i%len(r.chunks)])
		r.i++
	}
	n = min(n, len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// frames runs a framer over r and returns its frames, "~" marking the
// truncated ones, and the final error. It fails after more frames than
// bytes in the input.
func frames(t testing.TB, r io.Reader, size, maxBytes int) ([]string, error) {
	return framesSized(t, r, size, maxBytes, bufferSizes{initialBufferBytes, busyBufferBytes, keepBufferBytes})
}

// tinyBuffers make the framer grow and shrink on most frames.
var tinyBuffers = map[string]bufferSizes{
	"default":                     {initialBufferBytes, busyBufferBytes, keepBufferBytes},
	"grow from 1":                 {1, 2, 0},
	"grow from 3, busy 6, keep 8": {3, 6, 8},
}

func framesSized(t testing.TB, r io.Reader, size, maxBytes int, sizes bufferSizes) ([]string, error) {
	f := newFramerSize(r, maxBytes, sizes)
	var out []string
	for range size + 2 {
		fr, trunc, err := f.next()
		if err != nil {
			return out, err
		}
		if len(fr) > maxBytes {
			t.Fatalf("frame of %d bytes > max %d", len(fr), maxBytes)
		}
		s := string(fr)
		if trunc {
			s = "~" + s
		}
		out = append(out, s)
	}
	t.Fatalf("more than %d frames from %d bytes", size+1, size)
	return nil, nil
}

func TestFramer(t *testing.T) {
	long := strings.Repeat("x", 40)
	tests := []struct {
		name, in string
		max      int
		want     []string
	}{
		{"newline", "<1>a\n<2>b\n", 64, []string{"<1>a", "<2>b"}},
		// A CR before LF stays in the frame: Decode ignores it.
		{"NUL and CRLF", "<1>a\x00<2>b\r\n\n\n<3>c", 64, []string{"<1>a", "<2>b\r", "<3>c"}},
		{"last line without LF", "<1>a\n<2>b", 64, []string{"<1>a", "<2>b"}},
		{"octet counting", "4 <1>a5 <2>bc", 64, []string{"<1>a", "<2>bc"}},
		{"octet frame keeps LF and NUL", "7 <1>a\nb\x003 <2>", 64, []string{"<1>a\nb\x00", "<2>"}},
		{"octet then LF on same stream", "4 <1>a\n<2>b\n5 <3>cd<4>e\n", 64, []string{"<1>a", "<2>b", "<3>cd", "<4>e"}},
		{"digits not followed by <", "404 not found\n<1>x\n", 64, []string{"404 not found", "<1>x"}},
		{"zero length is not octet", "0 <1>x\n", 64, []string{"0 <1>x"}},
		{"too many digits", "1234567890 <1>x\n", 64, []string{"1234567890 <1>x"}},
		{"lone digits at end", "<1>a\n12", 64, []string{"<1>a", "12"}},
		{"octet cut by EOF", "10 <1>abc", 64, []string{"~<1>abc"}},
		{"oversized line", "<1>" + long + "\n<2>b\n", 10, []string{"~<1>xxxxxxx", "<2>b"}},
		{"line of exactly max", "<1>xxxxxxx\n<2>b\n", 10, []string{"<1>xxxxxxx", "<2>b"}},
		{"oversized last line", "<1>" + long, 10, []string{"~<1>xxxxxxx"}},
		{"oversized octet frame", "43 <1>" + long + "3 <2>", 10, []string{"~<1>xxxxxxx", "<2>"}},
		{"oversized octet frame cut by EOF", "43 <1>" + long[:20], 10, []string{"~<1>xxxxxxx"}},
		{"octet frame of exactly max", "10 <1>xxxxxxx3 <2>", 10, []string{"<1>xxxxxxx", "<2>"}},
		{"empty", "", 10, nil},
		{"only delimiters", "\n\r\x00\n", 10, nil},
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"bytewise": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"data+EOF": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
		"3,1,7":    func(s string) io.Reader { return &chunkReader{data: []byte(s), chunks: []int{3, 1, 7}} },
	}
	for _, tt := range tests {
		for rname, mk := range readers {
			for sname, sizes := range tinyBuffers {
				t.Run(tt.name+"/"+rname+"/"+sname, func(t *testing.T) {
					got, err := framesSized(t, mk(tt.in), len(tt.in), tt.max, sizes)
					if !errors.Is(err, io.EOF) {
						t.Errorf("final error %v, want EOF", err)
					}
					if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
						t.Errorf("frames(%q)\n got %q\nwant %q", tt.in, got, tt.want)
					}
				})
			}
		}
	}
}

// A read error ends the stream like EOF, after the partial frame, and is
// returned.
func TestFramerReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("<1>a\n<2>b"), iotest.ErrReader(boom))
	got, err := frames(t, r, 9, 64)
	if !errors.Is(err, boom) || fmt.Sprint(got) != "[<1>a <2>b]" {
		t.Errorf("got %q, %v", got, err)
	}
}

// A reader that keeps returning (0, nil) must not hang the framer.
func TestFramerNoProgress(t *testing.T) {
	f := newFramer(zeroReader{}, 64)
	if _, _, err := f.next(); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("err = %v, want io.ErrNoProgress", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// Many messages of every framing through a small buffer.
func TestFramerStream(t *testing.T) {
	var in bytes.Buffer
	var want []string
	for i := range 1000 {
		msg := fmt.Sprintf("<%d>msg %d %s", i%192, i, strings.Repeat("y", i%50))
		want = append(want, msg)
		if i%3 == 0 {
			fmt.Fprintf(&in, "%d %s", len(msg), msg)
		} else {
			in.WriteString(msg + "\n")
		}
	}
	for sname, sizes := range tinyBuffers {
		got, err := framesSized(t, &chunkReader{data: in.Bytes(), chunks: []int{1, 13, 100, 7, 64}}, in.Len(), 100, sizes)
		if !errors.Is(err, io.EOF) || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: err %v; frames differ:\n got %.200q\nwant %.200q", sname, err, got, want)
		}
	}
}

// With a 16 MiB maximum a connection's buffer starts small, grows only for
// a long message, which arrives whole, and is given back after it.
func TestFramerBufferGrowsAndShrinks(t *testing.T) {
	const maxBytes = 16 << 20
	small := "<13>h: small\n"
	long := "<13>h: " + strings.Repeat("L", 1<<20-len("<13>h: ")) // 1 MiB
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pr.Close() })
	f := newFramer(pr, maxBytes)
	go func() {
		// Each write is read on its own: io.Pipe hands over one write per
		// Read, cut to the reader's buffer.
		for _, w := range []string{small, small, long + "\n", small, small} {
			if _, err := io.WriteString(pw, w); err != nil {
				return
			}
		}
		_ = pw.Close()
	}()
	next := func(want string) {
		t.Helper()
		fr, trunc, err := f.next()
		if err != nil || trunc || string(fr) != want {
			t.Fatalf("frame of %d bytes (truncated %v, err %v), want %d bytes %.20q", len(fr), trunc, err, len(want), want)
		}
	}
	next("<13>h: small")
	next("<13>h: small")
	if c := cap(f.buf); c > initialBufferBytes {
		t.Errorf("after small messages the buffer holds %d bytes, want at most %d", c, initialBufferBytes)
	}
	next(long)
	if c := cap(f.buf); c < 1<<20 || c > 2<<20 {
		t.Errorf("for a 1 MiB message the buffer holds %d bytes, want 1 to 2 MiB", c)
	}
	next("<13>h: small")
	next("<13>h: small")
	if c := cap(f.buf); c > initialBufferBytes {
		t.Errorf("after the long message the buffer still holds %d bytes, want at most %d", c, initialBufferBytes)
	}
	if _, _, err := f.next(); !errors.Is(err, io.EOF) {
		t.Errorf("end: %v, want EOF", err)
	}
}

// An endless line (no delimiter) costs at most max+16 bytes of buffer: it
// is cut at max, the rest discarded, and the buffer given back (down to
// the size kept for a busy sender: the discarded reads fill it).
func TestFramerEndlessLineBoundsMemory(t *testing.T) {
	const maxBytes = 1 << 20
	endless := io.LimitReader(repeatReader('x'), 8*maxBytes)
	f := newFramer(io.MultiReader(strings.NewReader("<13>h: "), endless, strings.NewReader("\n<13>h: after\n")), maxBytes)
	fr, trunc, err := f.next()
	if err != nil || !trunc || len(fr) != maxBytes {
		t.Fatalf("first frame: %d bytes, truncated %v, err %v; want %d bytes truncated", len(fr), trunc, err, maxBytes)
	}
	peak := cap(f.buf)
	fr, trunc, err = f.next()
	if err != nil || trunc || string(fr) != "<13>h: after" {
		t.Fatalf("second frame %.40q, truncated %v, err %v", fr, trunc, err)
	}
	if peak > maxBytes+maxLenDigits+7 || cap(f.buf) > busyBufferBytes {
		t.Errorf("buffer peaked at %d bytes (max %d), ends at %d", peak, maxBytes+maxLenDigits+7, cap(f.buf))
	}
}

// repeatReader returns the byte forever.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
