package syslog

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 10 * time.Second

// got is a copy of a delivered Message.
type got struct {
	Facility, Severity int
	Format             Format
	Host, Tag, PID     string
	Content            string
}

// recorder is a Handler that keeps copies of what it receives and checks
// that calls never overlap.
type recorder struct {
	inCall   atomic.Int32
	overlaps atomic.Int32

	mu     sync.Mutex
	msgs   []got
	events []Event
	poke   chan struct{}
}

func newRecorder() *recorder { return &recorder{poke: make(chan struct{}, 1)} }

func (r *recorder) enter() {
	if r.inCall.Add(1) != 1 {
		r.overlaps.Add(1)
	}
}

func (r *recorder) leave() {
	r.inCall.Add(-1)
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

func (r *recorder) Message(m *Message) {
	r.enter()
	defer r.leave()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, got{m.Facility, m.Severity, m.Format, string(m.Hostname), string(m.Tag), string(m.PID), string(m.Content)})
}

func (r *recorder) Event(ev Event) {
	r.enter()
	defer r.leave()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// snapshot returns copies of the messages and events so far.
func (r *recorder) snapshot() ([]got, []Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]got(nil), r.msgs...), append([]Event(nil), r.events...)
}

func (r *recorder) count(k EventKind) int {
	_, evs := r.snapshot()
	n := 0
	for _, ev := range evs {
		if ev.Kind == k {
			n++
		}
	}
	return n
}

// waitUntil waits, at most waitTimeout, until cond holds for what r has
// received.
func (r *recorder) waitUntil(t testing.TB, what string, cond func(msgs []got, evs []Event) bool) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		msgs, evs := r.snapshot()
		if cond(msgs, evs) {
			return
		}
		select {
		case <-r.poke:
		case <-time.After(50 * time.Millisecond):
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; messages %+v, events %v", what, msgs, evs)
		}
	}
}

// waitMessages waits until r holds n messages and returns them.
func (r *recorder) waitMessages(t testing.TB, n int) []got {
	t.Helper()
	r.waitUntil(t, "messages", func(msgs []got, _ []Event) bool { return len(msgs) >= n })
	msgs, _ := r.snapshot()
	return msgs
}

// waitEvents waits until r holds n events of kind k.
func (r *recorder) waitEvents(t testing.TB, k EventKind, n int) {
	t.Helper()
	r.waitUntil(t, k.String()+" events", func(_ []got, evs []Event) bool {
		c := 0
		for _, ev := range evs {
			if ev.Kind == k {
				c++
			}
		}
		return c >= n
	})
}

// startListener listens on url with a recorder; the listener is closed at
// test end and must not have overlapped handler calls.
func startListener(t testing.TB, cfg Config) (*Listener, *recorder) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rec := newRecorder()
	l, err := Listen(cfg, rec)
	if err != nil {
		t.Fatalf("Listen(%q): %v", cfg.Listen, err)
	}
	t.Cleanup(func() {
		if err := closeWithin(l, waitTimeout); err != nil {
			t.Errorf("Close: %v", err)
		}
		if n := rec.overlaps.Load(); n != 0 {
			t.Errorf("%d overlapping handler calls", n)
		}
	})
	return l, rec
}

// closeWithin closes l and fails if that takes longer than d.
func closeWithin(l *Listener, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- l.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return io.ErrNoProgress
	}
}

// dial connects to l on loopback; the connection is closed at test end.
func dial(t testing.TB, l *Listener) net.Conn {
	t.Helper()
	network := l.Addr().Network()
	c, err := net.DialTimeout(network, l.Addr().String(), waitTimeout)
	if err != nil {
		t.Fatalf("dial %s %s: %v", network, l.Addr(), err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func write(t testing.TB, c net.Conn, s string) {
	t.Helper()
	if err := c.SetWriteDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte(s)); err != nil {
		t.Fatalf("write %.40q: %v", s, err)
	}
}

// contents returns the Content of each message.
func contents(msgs []got) string {
	s := make([]string, len(msgs))
	for i, m := range msgs {
		s[i] = m.Content
	}
	return strings.Join(s, "|")
}
