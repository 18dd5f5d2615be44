package containerlog

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// retained is the capacity of the buffers j keeps between lines.
func (j *Joiner) retained() int {
	return cap(j.decoded) + cap(j.pending[Stdout].buf) + cap(j.pending[Stderr].buf)
}

// dockerLine is a json-file line as Docker writes it (encoding/json).
func dockerLine(t *testing.T, log, stream string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]string{"log": log, "stream": stream, "time": "2026-11-20T03:14:22.123456789Z"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A 1 MiB line full of escapes (quotes) is decoded only up to the limit
// and cut there, whole or split, and the joiner does not keep a buffer of
// its size afterwards.
func TestDockerJSONHugeEscapedLineNotRetained(t *testing.T) {
	const max = DefaultMaxMessageBytes
	huge := strings.Repeat(`say "hi" `, (1<<20)/9) // 1 MiB, one escape every 4 bytes
	j := NewJoiner(DockerJSON, 0)
	check := func(step string, line []byte, wantOK bool, want Message) {
		t.Helper()
		msg, ok, err := j.Line(line)
		if err != nil || ok != wantOK {
			t.Fatalf("%s: ok=%v err=%v, want ok=%v", step, ok, err, wantOK)
		}
		if ok && (msg.Stream != want.Stream || msg.Parts != want.Parts || msg.Cut != want.Cut || string(msg.Text) != string(want.Text)) {
			t.Fatalf("%s: got %v, %d parts, cut=%v, %d bytes; want %v, %d parts, cut=%v, %d bytes",
				step, msg.Stream, msg.Parts, msg.Cut, len(msg.Text), want.Stream, want.Parts, want.Cut, len(want.Text))
		}
		if r := j.retained(); r > max {
			t.Fatalf("%s: the joiner keeps %d bytes of buffers", step, r)
		}
	}
	check("whole", dockerLine(t, huge+"\n", "stdout"), true, Message{Stream: Stdout, Text: []byte(huge[:max]), Parts: 1, Cut: true})
	check("small after it", dockerLine(t, `a "quoted" line`+"\n", "stdout"), true, Message{Stream: Stdout, Text: []byte(`a "quoted" line`), Parts: 1})
	check("split: huge first part", dockerLine(t, huge, "stderr"), false, Message{})
	check("split: last part", dockerLine(t, `the "end"`+"\n", "stderr"), true, Message{Stream: Stderr, Text: []byte(huge[:max]), Parts: 2, Cut: true})
	// Ends in an escaped backslash and an n: not a newline, the line goes on.
	check("split: \\\\n is no newline", dockerLine(t, huge+`\n`, "stdout"), false, Message{})
	check("split: a newline as \\u000a", []byte(`{"log":"`+strings.ReplaceAll(huge, `"`, `\"`)+`\u000a","stream":"stdout"}`), true,
		Message{Stream: Stdout, Text: []byte(huge[:max]), Parts: 2, Cut: true})
	// An invalid escape past the limit is still found.
	_, ok, err := j.Line([]byte(`{"log":"` + strings.ReplaceAll(huge, `"`, `\"`) + `\q\n","stream":"stdout"}`))
	if ok || !errors.Is(err, ErrBadEscape) {
		t.Fatalf("invalid escape past the limit: ok=%v err=%v", ok, err)
	}
}

// Around the limit: a message of exactly max bytes is not cut, one more
// byte is, whatever escapes end it.
func TestDockerJSONEscapedLineAtTheLimit(t *testing.T) {
	const max = 16
	for _, tc := range []struct {
		log  string
		want string
		cut  bool
	}{
		{strings.Repeat(`"`, max) + "\n", strings.Repeat(`"`, max), false},
		{strings.Repeat(`"`, max+1) + "\n", strings.Repeat(`"`, max), true},
		{strings.Repeat("x", max-1) + "é\n", strings.Repeat("x", max-1) + "é"[:1], true},
		{strings.Repeat(`"`, max-1) + "\u2028\n", strings.Repeat(`"`, max-1) + "\u2028"[:1], true},
	} {
		got, errs := feed(NewJoiner(DockerJSON, max), string(dockerLine(t, tc.log, "stdout")))
		want := "stdout|" + tc.want
		if tc.cut {
			want += " +cut"
		}
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		equal(t, got, []string{want})
	}
}

// A long message joined from parts does not leave its buffer behind; a
// short one keeps it, to be reused without allocating.
func TestJoinedBufferDroppedAfterLongMessage(t *testing.T) {
	j := NewJoiner(CRI, 0)
	const ts = "2026-11-20T03:14:22.1Z "
	part := strings.Repeat("x", 16<<10)
	feed(j, ts+"stdout P "+part, ts+"stdout P "+part, ts+"stdout F end")
	if c := cap(j.pending[Stdout].buf); c > keepBufBytes {
		t.Fatalf("a 32 KiB message left a buffer of %d bytes", c)
	}
	feed(j, ts+"stdout P short", ts+"stdout F end")
	if c := cap(j.pending[Stdout].buf); c == 0 {
		t.Fatal("a short message's buffer was dropped")
	}
}
