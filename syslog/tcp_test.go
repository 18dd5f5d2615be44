package syslog

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// octet frames msg with RFC 6587 octet counting.
func octet(msg string) string { return fmt.Sprintf("%d %s", len(msg), msg) }

func TestTCPFraming(t *testing.T) {
	long := "<13>Nov 21 11:01:17 h t: " + strings.Repeat("x", 300)
	tests := []struct {
		name      string
		writes    []string
		want      string // contents joined by "|"
		truncated int
	}{
		{"newline", []string{"<13>h: a\n<13>h: b\n"}, "a|b", 0},
		{"octet counting", []string{octet("<13>h: a") + octet("<13>h: b\n")}, "a|b", 0},
		{"mixed", []string{octet("<13>h: a") + "<13>h: b\n" + octet("<13>h: c") + "<13>h: d\x00"}, "a|b|c|d", 0},
		{"partial newline frame", []string{"<13>h: hel", "lo\n<13", ">h: world\n"}, "hello|world", 0},
		{"partial octet frame", []string{"1", "2 <13>h: hel", "lo1", "0 <13>h: abc"}, "hello|abc", 0},
		{"last line without newline", []string{"<13>h: a\n<13>h: b"}, "a|b", 0},
		{"oversized line", []string{long + "\n<13>h: next\n"}, strings.Repeat("x", 100-len("<13>Nov 21 11:01:17 h t: ")) + "|next", 1},
		{"oversized octet frame", []string{octet(long), octet("<13>h: next")}, strings.Repeat("x", 100-len("<13>Nov 21 11:01:17 h t: ")) + "|next", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0", MaxMessageBytes: 100})
			c := dial(t, l)
			for _, w := range tt.writes {
				write(t, c, w)
				time.Sleep(10 * time.Millisecond) // let each write arrive on its own
			}
			if err := c.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			want := strings.Count(tt.want, "|") + 1
			rec.waitEvents(t, Disconnected, 1)
			msgs := rec.waitMessages(t, want)
			if got := contents(msgs); got != tt.want {
				t.Errorf("contents %q, want %q", got, tt.want)
			}
			if n := rec.count(Truncated); n != tt.truncated {
				t.Errorf("%d Truncated events, want %d", n, tt.truncated)
			}
			if n := rec.count(Malformed); n != 0 {
				t.Errorf("%d Malformed events", n)
			}
		})
	}
}

// Close returns promptly while a client is connected and idle, and the
// client sees its connection end.
func TestTCPCloseWithIdleClient(t *testing.T) {
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0"})
	c := dial(t, l)
	write(t, c, "<13>h: a\n<13>h: partial")
	rec.waitMessages(t, 1)
	if err := closeWithin(l, waitTimeout); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(waitTimeout))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("client connection still open after Close")
	}
	// The listening socket is closed (a dial could reach whoever took the
	// port since: the kernel hands a closed port out again).
	if _, err := l.stream.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

// At MaxConnections a new connection closes the one that received nothing
// for longest (not the oldest), is counted, and is served.
func TestTCPConnectionLimitEvictsLongestIdle(t *testing.T) {
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0", MaxConnections: 2})
	a, b := dial(t, l), dial(t, l)
	rec.waitEvents(t, Connected, 2)
	write(t, a, "<13>h: from a\n") // a, the oldest, is now the most recently active
	rec.waitMessages(t, 1)
	c := dial(t, l)
	write(t, c, "<13>h: from c\n")
	rec.waitEvents(t, Evicted, 1)
	_ = b.SetReadDeadline(time.Now().Add(waitTimeout))
	if _, err := b.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !isReset(err) {
		t.Errorf("read on the evicted connection: %v, want EOF", err)
	}
	write(t, a, "<13>h: from a again\n")
	msgs := rec.waitMessages(t, 3)
	if got := contents(msgs[1:]); got != "from c|from a again" && got != "from a again|from c" {
		t.Errorf("contents %q", contents(msgs))
	}
	_, evs := rec.snapshot()
	for _, ev := range evs {
		if ev.Kind == Evicted && ev.Remote != b.LocalAddr().String() {
			t.Errorf("evicted %s, want b (%s)", ev.Remote, b.LocalAddr())
		}
	}
}

// Regression: MaxConnections idle connections used to lock every new
// sender out, whose writes still succeeded (the kernel accepts the
// connection before the listener closes it), so its messages vanished.
// Now each of its messages is counted, exactly once.
func TestTCPIdleConnectionsDoNotLockOutNewSender(t *testing.T) {
	const maxConns, n = 8, 50
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0", MaxConnections: maxConns})
	for range maxConns {
		dial(t, l)
	}
	rec.waitEvents(t, Connected, maxConns)
	c := dial(t, l)
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "<13>h: %d\n", i)
	}
	write(t, c, sb.String())
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	// The sender's connection ends after its messages: then all are in.
	rec.waitUntil(t, "the sender's disconnect", func(_ []got, evs []Event) bool {
		for _, ev := range evs {
			if ev.Kind == Disconnected && ev.Remote == c.LocalAddr().String() {
				return true
			}
		}
		return false
	})
	if msgs, _ := rec.snapshot(); len(msgs) != n {
		t.Errorf("%d messages counted, want %d", len(msgs), n)
	}
	if got := rec.count(Evicted); got != 1 {
		t.Errorf("%d Evicted events, want 1", got)
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(op.Err.Error(), "reset")
}

// A connection idle for IdleTimeout is closed.
func TestTCPIdleTimeout(t *testing.T) {
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0", IdleTimeout: 100 * time.Millisecond})
	c := dial(t, l)
	write(t, c, "<13>h: a\n")
	rec.waitMessages(t, 1)
	_ = c.SetReadDeadline(time.Now().Add(waitTimeout))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("read: %v, want EOF from the idle timeout", err)
	}
	rec.waitEvents(t, Disconnected, 1)
	if n := rec.count(ReadError); n != 0 {
		t.Errorf("idle timeout reported as %d ReadError events", n)
	}
}

// Concurrent connections: every message delivered, in order per
// connection, handler calls never overlapping (checked by startListener).
func TestTCPConcurrent(t *testing.T) {
	const conns, perConn = 8, 200
	l, rec := startListener(t, Config{Listen: "tcp://127.0.0.1:0"})
	var wg sync.WaitGroup
	for i := range conns {
		c := dial(t, l)
		wg.Go(func() {
			var sb strings.Builder
			for j := range perConn {
				msg := fmt.Sprintf("<14>Nov 21 11:01:17 host%d app[%d]: %d", i, i, j)
				if j%2 == 0 {
					sb.WriteString(octet(msg))
				} else {
					sb.WriteString(msg + "\n")
				}
			}
			_ = c.SetWriteDeadline(time.Now().Add(waitTimeout))
			_, _ = io.WriteString(c, sb.String())
		})
	}
	wg.Wait()
	msgs := rec.waitMessages(t, conns*perConn)
	next := make(map[string]int)
	for _, m := range msgs {
		if want := fmt.Sprint(next[m.Host]); m.Content != want || m.Tag != "app" {
			t.Fatalf("from %s: %+v, want content %s", m.Host, m, want)
		}
		next[m.Host]++
	}
}

// countHandler counts messages and closes done at want.
type countHandler struct {
	n, want int
	done    chan struct{}
}

func (h *countHandler) Message(*Message) {
	if h.n++; h.n == h.want {
		close(h.done)
	}
}

func (h *countHandler) Event(Event) {}

// BenchmarkTCPListener: HAProxy log lines over one loopback connection,
// from the first write to the last Handler call.
func BenchmarkTCPListener(b *testing.B) {
	h := &countHandler{want: b.N, done: make(chan struct{})}
	l, err := Listen(Config{Listen: "tcp://127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)}, h)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	c := dial(b, l)
	data := []byte(strings.Repeat(haproxyLocal, 1000))
	b.SetBytes(int64(len(haproxyLocal)))
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += 1000 {
		n := min(1000, b.N-sent)
		if _, err := c.Write(data[:n*len(haproxyLocal)]); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-h.done:
	case <-time.After(time.Minute):
		b.Fatalf("not all %d messages after a minute", b.N)
	}
}
