// Package probetest provides real local peers for probe tests: listeners on
// loopback that refuse, never accept, close, reset or stall; a tiny DNS
// server on 127.0.0.1; self-signed certificates. Everything is stopped when
// the test ends. Nothing here ever talks to a non-loopback address.
package probetest

import (
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

// ClosedPort returns a loopback "127.0.0.1:port" where nothing listens: a
// connect is refused. The port stays reserved until the test ends; see
// loopback.ClosedTCPAddr.
func ClosedPort(tb testing.TB) string {
	tb.Helper()
	return loopback.ClosedTCPAddr(tb)
}

// Serve listens on network/addr (tcp 127.0.0.x:port or a unix path) and
// runs handle for each connection in its own goroutine, closing the
// connection after handle returns. Listener and connections are closed, and
// the handlers waited for, when the test ends; handlers should return once
// a read fails.
func Serve(tb testing.TB, network, addr string, handle func(net.Conn)) net.Listener {
	tb.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		tb.Fatalf("listen %s %s: %v", network, addr, err)
	}
	ServeListener(tb, l, handle)
	return l
}

// ServeListener is Serve on an existing listener.
func ServeListener(tb testing.TB, l net.Listener, handle func(net.Conn)) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(c)
				c.Close()
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
			}()
		}
	}()
	tb.Cleanup(func() {
		l.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// Reset closes c with an RST instead of a FIN (SO_LINGER 0).
func Reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// ReadRequest reads until the end of an HTTP request header (a blank line)
// or an error, with a deadline so a handler never hangs.
func ReadRequest(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	var got []byte
	for len(got) < 64<<10 {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil || containsBlankLine(got) {
			return
		}
	}
}

func containsBlankLine(b []byte) bool {
	for i := 0; i+3 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' && b[i+2] == '\r' && b[i+3] == '\n' {
			return true
		}
	}
	return false
}

// Stall reads the request and then waits, without answering, until the
// peer goes away or the test's cleanup closes the connection.
func Stall(c net.Conn) {
	ReadRequest(c)
	_ = c.SetReadDeadline(time.Time{})
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// FullBacklog returns a loopback address whose listener never accepts and
// whose accept queue is full, so that a new connect gets no SYN-ACK and
// times out (Linux drops the SYN when the queue is full). The listener and
// the connections that fill the queue are closed when the test ends.
func FullBacklog(tb testing.TB) string {
	tb.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	sa := &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		tb.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		tb.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "backlog")
	l, err := net.FileListener(f) // dups fd
	f.Close()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	addr := l.Addr().String()
	// Fill the queue: connects succeed until it is full, then time out.
	for i := 0; i < 16; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr
		}
		tb.Cleanup(func() { c.Close() })
	}
	tb.Fatalf("the accept queue of %s never filled", addr)
	return ""
}

// UnixFullBacklog listens on a unix socket at path that never accepts and
// whose accept queue is full: Linux then refuses a connect with EAGAIN.
func UnixFullBacklog(tb testing.TB, path string) {
	tb.Helper()
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		syscall.Close(fd)
		tb.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		tb.Fatal(err)
	}
	tb.Cleanup(func() { syscall.Close(fd); os.Remove(path) })
	for i := 0; i < 16; i++ {
		c, err := net.DialTimeout("unix", path, time.Second)
		if err != nil {
			return // full
		}
		tb.Cleanup(func() { c.Close() })
	}
	tb.Fatalf("the accept queue of %s never filled", path)
}
