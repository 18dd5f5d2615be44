package syslog

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// Hostile input over TCP: one connection's endless line, lying octet count
// or trickle must not block the others, and costs at most a buffer of
// MaxMessageBytes.

// A connection that sends far more than MaxMessageBytes without a
// delimiter: the message is cut, delivered and counted; meanwhile another
// connection is served; after the delimiter the connection goes on.
func TestTCPEndlessLine(t *testing.T) {
	const maxBytes = 4096
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0", MaxMessageBytes: maxBytes})
	endless, other := dial(t, l), dial(t, l)
	write(t, endless, "<13>h: ")
	chunk := strings.Repeat("x", 64<<10)
	for range 16 { // 1 MiB, 256 times the maximum
		write(t, endless, chunk)
	}
	rec.waitEvents(t, Truncated, 1)
	write(t, other, "<13>h: other\n")
	msgs := rec.waitMessages(t, 2)
	if len(msgs[0].Content) != maxBytes-len("<13>h: ") || strings.Trim(msgs[0].Content, "x") != "" || msgs[1].Content != "other" {
		t.Fatalf("messages %.80v", msgs)
	}
	write(t, endless, chunk+"\n<13>h: after\n")
	msgs = rec.waitMessages(t, 3)
	if msgs[2].Content != "after" {
		t.Errorf("after the endless line: %.80v", msgs[2:])
	}
	if n := rec.count(Truncated); n != 1 {
		t.Errorf("%d Truncated events, want 1", n)
	}
}

// An octet count of nearly 1 GB: the frame is cut at MaxMessageBytes and
// everything up to the announced length discarded, with no buffer of
// that size; other connections are served meanwhile.
func TestTCPHugeOctetCount(t *testing.T) {
	const maxBytes = 4096
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0", MaxMessageBytes: maxBytes})
	liar, other := dial(t, l), dial(t, l)
	write(t, liar, "999999999 <13>h: "+strings.Repeat("y", 3*maxBytes)+"\n<13>h: swallowed\n")
	rec.waitEvents(t, Truncated, 1)
	write(t, other, "<13>h: other\n")
	msgs := rec.waitMessages(t, 2)
	if len(msgs[0].Content) != maxBytes-len("<13>h: ") || msgs[1].Content != "other" {
		t.Fatalf("messages %.80v", msgs)
	}
	_ = liar.Close()
	rec.waitEvents(t, Disconnected, 1)
	if msgs, _ := rec.snapshot(); len(msgs) != 2 {
		t.Errorf("messages %.80v: the rest of the announced frame must be discarded", msgs)
	}
}

// The buffer for a lying octet count grows with the bytes that arrive, not
// with the length announced.
func TestFramerHugeOctetCountBuffer(t *testing.T) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pr.Close() })
	go func() {
		_, _ = io.WriteString(pw, "999999999 <13>h: "+strings.Repeat("z", 100<<10))
		_ = pw.Close()
	}()
	f := newFramer(pr, maxMaxMessageBytes)
	fr, trunc, err := f.next()
	if err != nil || !trunc || len(fr) != len("<13>h: ")+100<<10 {
		t.Fatalf("frame of %d bytes, truncated %v, err %v", len(fr), trunc, err)
	}
	if c := cap(f.buf); c > 256<<10 {
		t.Errorf("buffer of %d bytes for 100 KiB received", c)
	}
}

// A sender that trickles a message byte by byte does not hold up another
// connection's messages; its own message arrives when complete.
func TestTCPSlowSender(t *testing.T) {
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0"})
	slow, fast := dial(t, l), dial(t, l)
	msg := "<13>h: slow\n"
	for i := range len(msg) - 1 {
		write(t, slow, msg[i:i+1])
		time.Sleep(time.Millisecond) // one TCP segment per byte
		if i == len(msg)/2 {
			for j := range 20 {
				write(t, fast, fmt.Sprintf("<13>h: fast %d\n", j))
			}
			msgs := rec.waitMessages(t, 20)
			if msgs[19].Content != "fast 19" {
				t.Fatalf("messages %v", msgs)
			}
		}
	}
	write(t, slow, "\n")
	msgs := rec.waitMessages(t, 21)
	if msgs[20].Content != "slow" || len(msgs) != 21 {
		t.Errorf("messages %v, want 20 fast ones then slow", msgs)
	}
}

// Bytes that are not UTF-8 are delivered as they are, over each kind of
// socket (a tag is of ASCII tag characters, so "t\xc3g[1]:" is content);
// an empty datagram is counted malformed.
func TestListenerInvalidUTF8(t *testing.T) {
	const raw = "<13>Nov 21 11:01:17 h\xffst app[1]: t\xc3g[1]: bad \xff\xfe\xc3( bytes \xed\xa0\x80"
	for _, listen := range []string{"udp://127.0.0.1:0", "tcp://127.0.0.1:0", "unixgram://" + shortTempDir(t) + "/s"} {
		l, rec := startListener(t, Config{Listen: listen})
		c := dial(t, l)
		if l.Addr().Network() == "tcp" {
			write(t, c, raw+"\n")
		} else {
			write(t, c, "")
			rec.waitEvents(t, Malformed, 1)
			write(t, c, raw)
		}
		m := rec.waitMessages(t, 1)[0]
		if m.Host != "h\xffst" || m.Tag != "app" || m.Content != "t\xc3g[1]: bad \xff\xfe\xc3( bytes \xed\xa0\x80" {
			t.Errorf("%s: %q %q %q", listen, m.Host, m.Tag, m.Content)
		}
	}
}
