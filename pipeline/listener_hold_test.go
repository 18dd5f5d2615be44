package pipeline

import (
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

const haproxyMessage = "<134>Nov 21 11:01:17 haproxy[1]: 127.0.0.1:1 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /x HTTP/1.1\""

// A listener prepared by a reload counts nothing until the reload commits:
// messages wait, and are counted once released; if the reload fails they
// are discarded with the listener, and Close does not hang on them.
func TestHeldListener(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("commit=%v", commit), func(t *testing.T) {
			c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			defer c.Close()
			port := loopback.FreeUDPPort(t)
			sc := parse(t, fmt.Sprintf("syslog:\n  - listen: udp://127.0.0.1:%d\n", port)).Syslog[0]
			fwd := newForwardHandler(true)
			l, err := c.startSyslog(sc, fwd)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for range 3 {
				if _, err := fmt.Fprint(conn, haproxyMessage); err != nil {
					t.Fatal(err)
				}
			}
			waitHeld(t, fwd) // the first message waits in the handler
			lines := c.m.LogLines.WithLabelValues(l.Path(), "classified")
			if got := testutil.ToFloat64(lines); got != 0 {
				t.Fatalf("%v lines counted by a held listener", got)
			}
			if commit {
				fwd.set(forwarding)
				waitCount(t, lines, 3)
			} else {
				fwd.set(discarding)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			want := 0.0
			if commit {
				want = 3
			}
			if got := testutil.ToFloat64(lines); got != want {
				t.Errorf("%v lines counted, want %v", got, want)
			}
		})
	}
}

// waitHeld waits (bounded) until a message is waiting in a held handler.
func waitHeld(t *testing.T, f *forwardHandler) {
	t.Helper()
	for range 1000 {
		f.mu.Lock()
		w := f.waiting
		f.mu.Unlock()
		if w > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no message reached the held handler")
}
