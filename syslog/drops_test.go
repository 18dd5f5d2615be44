//go:build linux

package syslog

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestDropCounterWraps(t *testing.T) {
	var d dropCounter
	for _, step := range []struct{ counter, want uint32 }{
		{0, 0}, {5, 5}, {5, 0}, {0xfffffff0, 0xfffffff0 - 5}, {0x10, 0x20}, {0x10, 0},
	} {
		if got := d.update(step.counter); got != step.want {
			t.Errorf("update(%#x) = %#x, want %#x", step.counter, got, step.want)
		}
	}
}

// cmsg builds one control message as the kernel lays it out.
func cmsg(level, typ int32, data []byte) []byte {
	b := make([]byte, syscall.CmsgSpace(len(data)))
	if cmsgLenBytes == 8 {
		binary.NativeEndian.PutUint64(b, uint64(syscall.CmsgLen(len(data))))
	} else {
		binary.NativeEndian.PutUint32(b, uint32(syscall.CmsgLen(len(data))))
	}
	binary.NativeEndian.PutUint32(b[cmsgLenBytes:], uint32(level))
	binary.NativeEndian.PutUint32(b[cmsgLenBytes+4:], uint32(typ))
	copy(b[syscall.CmsgLen(0):], data)
	return b
}

func TestParseDropCount(t *testing.T) {
	counter := binary.NativeEndian.AppendUint32(nil, 1234567)
	ovfl := cmsg(syscall.SOL_SOCKET, syscall.SO_RXQ_OVFL, counter)
	other := cmsg(syscall.SOL_SOCKET, syscall.SCM_RIGHTS, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	cut := append([]byte(nil), ovfl...)
	binary.NativeEndian.PutUint32(cut, 1000) // announces more than there is
	short := cmsg(syscall.SOL_SOCKET, syscall.SO_RXQ_OVFL, []byte{1, 2})
	for name, tc := range map[string]struct {
		oob  []byte
		want uint32
		ok   bool
	}{
		"none":              {nil, 0, false},
		"only":              {ovfl, 1234567, true},
		"after another":     {append(append([]byte(nil), other...), ovfl...), 1234567, true},
		"only another":      {other, 0, false},
		"length past end":   {cut, 0, false},
		"data too short":    {short, 0, false},
		"header cut":        {ovfl[:syscall.SizeofCmsghdr-1], 0, false},
		"zero length":       {make([]byte, 64), 0, false},
		"garbage after one": {append(append([]byte(nil), other...), 0xff, 0xff, 0xff), 0, false},
	} {
		if got, ok := parseDropCount(tc.oob); got != tc.want || ok != tc.ok {
			t.Errorf("%s: parseDropCount = %d, %v; want %d, %v", name, got, ok, tc.want, tc.ok)
		}
	}
}

// gateHandler blocks in its first Message until released, and counts
// messages, markers (content "marker") and dropped datagrams.
type gateHandler struct {
	entered, release chan struct{}
	once             sync.Once

	mu                      sync.Mutex
	messages, markers, drop int
}

func (h *gateHandler) Message(m *Message) {
	h.once.Do(func() {
		close(h.entered)
		<-h.release
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	h.messages++
	if string(m.Content) == "marker" {
		h.markers++
	}
}

func (h *gateHandler) Event(ev Event) {
	if ev.Kind == Dropped {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.drop += ev.Count
	}
}

func (h *gateHandler) counts() (messages, markers, dropped int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.messages, h.markers, h.drop
}

// The kernel's drops are counted exactly: while the handler blocks, a
// burst overflows a small receive buffer; every datagram sent is then
// either received or counted dropped.
func TestUDPKernelDropsCounted(t *testing.T) {
	const burst = 300
	h := &gateHandler{entered: make(chan struct{}), release: make(chan struct{})}
	l, err := Listen(Config{Listen: "udp://127.0.0.1:0", ReadBuffer: 4096, Logger: slog.New(slog.DiscardHandler)}, h)
	if err != nil {
		t.Fatal(err)
	}
	released := false
	t.Cleanup(func() {
		if !released {
			close(h.release)
		}
		_ = closeWithin(l, waitTimeout)
	})
	if !l.CountsDrops() {
		t.Fatal("CountsDrops() = false on Linux UDP")
	}
	c := dial(t, l)
	sent := 0
	send := func(msg string) {
		t.Helper()
		write(t, c, msg)
		sent++
	}
	send("<13>h: first")
	select {
	case <-h.entered:
	case <-time.After(waitTimeout):
		t.Fatal("the first datagram did not reach the handler")
	}
	for i := range burst {
		send(fmt.Sprintf("<13>h: burst %d", i))
	}
	close(h.release)
	released = true
	// Drops are reported with the next datagram queued after them: send
	// markers until one gets through and the books balance.
	for attempt := 0; ; attempt++ {
		send("<13>h: marker")
		deadline := time.Now().Add(200 * time.Millisecond)
		for time.Now().Before(deadline) {
			if m, markers, d := h.counts(); markers > 0 && m+d == sent {
				if d == 0 {
					t.Fatalf("nothing dropped: %d of %d datagrams received; the test needs a burst that overflows", m, sent)
				}
				t.Logf("sent %d = received %d + dropped %d", sent, m, d)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		if attempt == 50 {
			m, markers, d := h.counts()
			t.Fatalf("sent %d, received %d (%d markers), dropped %d: received + dropped != sent", sent, m, markers, d)
		}
	}
}

// chanHandler signals each message.
type chanHandler chan struct{}

func (h chanHandler) Message(*Message) { h <- struct{}{} }
func (h chanHandler) Event(Event)      {}

// Reading and delivering a datagram does not allocate, drop counting
// included.
func TestUDPReadAllocs(t *testing.T) {
	h := make(chanHandler, 1)
	l, err := Listen(Config{Listen: "udp://127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)}, h)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c := dial(t, l).(*net.UDPConn)
	msg := []byte(haproxyLocal)
	timeout := time.NewTimer(waitTimeout) // for all of them: time.After allocates
	defer timeout.Stop()
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		select {
		case <-h:
		case <-timeout.C:
			t.Fatal("datagrams not delivered in time")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per datagram, want 0", allocs)
	}
}
