package backend

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// observeTimeout bounds every wait for the server under observation.
const observeTimeout = 5 * time.Second

// observedListener wraps a listener so that a test can wait for what the
// server did instead of sleeping: each call of Accept, each connection it
// got, how much it read from one and when it closed one.
type observedListener struct {
	net.Listener
	calls atomic.Int32
	call  chan int32 // the number of each Accept call, as it starts
	conns chan *observedConn
}

func observe(tb testing.TB) *observedListener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	return &observedListener{Listener: ln, call: make(chan int32, 64), conns: make(chan *observedConn, 64)}
}

func (l *observedListener) Accept() (net.Conn, error) {
	select {
	case l.call <- l.calls.Add(1):
	default: // nobody waits for that many calls
	}
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	oc := &observedConn{Conn: c, closed: make(chan struct{})}
	select {
	case l.conns <- oc:
	default:
	}
	return oc, nil
}

// waitAcceptCall waits until the server has called Accept for the n-th time:
// it has dealt with the n-1 connections before (handed them to their
// handler) and come back for more.
func (l *observedListener) waitAcceptCall(tb testing.TB, n int32) {
	tb.Helper()
	deadline := time.After(observeTimeout)
	for {
		select {
		case got := <-l.call:
			if got >= n {
				return
			}
		case <-deadline:
			tb.Fatalf("the server did not call Accept a %d. time within %v", n, observeTimeout)
		}
	}
}

// nextConn returns the next connection the server accepted.
func (l *observedListener) nextConn(tb testing.TB) *observedConn {
	tb.Helper()
	select {
	case c := <-l.conns:
		return c
	case <-time.After(observeTimeout):
		tb.Fatalf("the server accepted no connection within %v", observeTimeout)
		return nil
	}
}

// observedConn is the server's side of a connection.
type observedConn struct {
	net.Conn
	read      atomic.Int64
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *observedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *observedConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// waitRead waits until the server has read at least n bytes.
func (c *observedConn) waitRead(tb testing.TB, n int) {
	tb.Helper()
	deadline := time.Now().Add(observeTimeout)
	for c.read.Load() < int64(n) {
		if time.Now().After(deadline) {
			tb.Fatalf("the server read %d bytes within %v, want %d", c.read.Load(), observeTimeout, n)
		}
		select {
		case <-c.closed:
			tb.Fatalf("the server closed the connection after reading %d bytes, want %d", c.read.Load(), n)
		case <-time.After(time.Millisecond):
		}
	}
}

// waitClosed waits until the server has closed its side.
func (c *observedConn) waitClosed(tb testing.TB, why string) {
	tb.Helper()
	select {
	case <-c.closed:
	case <-time.After(observeTimeout):
		tb.Fatalf("the server did not close the connection within %v %s", observeTimeout, why)
	}
}
