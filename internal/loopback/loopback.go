// Package loopback hands tests ports on 127.0.0.1, the only address the
// end-to-end tests use, without ever handing out a port it closed.
//
// A TCP port is reserved by a socket that is bound but never listens: a
// connect to it is refused, and the kernel does not give the port to
// anyone else (port-0 binds and the source ports of connects skip it)
// while the socket is open. The socket is closed when the test ends, never
// before, so a port cannot move from one test's peer to another's while
// the first test still runs.
package loopback

import (
	"fmt"
	"syscall"
	"testing"
)

// ClosedTCPAddr returns a "127.0.0.1:port" where nothing listens and
// nothing can: a connect is refused (ECONNREFUSED) until the test ends. The
// reserving socket has no SO_REUSEADDR, so no other bind of the port
// succeeds either.
func ClosedTCPAddr(tb testing.TB) string {
	tb.Helper()
	port, err := reserveTCP(tb, false)
	if err != nil {
		tb.Fatalf("loopback: closed TCP port: %v", err)
	}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// FreeTCPPort returns a TCP port of 127.0.0.1 for a program under test to
// listen on (nginx, HAProxy, Prometheus, the exporter). The port stays
// reserved until the test ends: the reserving socket is bound with
// SO_REUSEADDR and never listens, so a server that also sets SO_REUSEADDR
// (nginx, HAProxy and Go's net.Listen all do) can bind and listen on it,
// while the kernel hands it to nobody else. Until that server listens, a
// connect to the port is refused.
func FreeTCPPort(tb testing.TB) int {
	tb.Helper()
	port, err := reserveTCP(tb, true)
	if err != nil {
		tb.Fatalf("loopback: free TCP port: %v", err)
	}
	return port
}

// FreeTCPAddr is FreeTCPPort as "127.0.0.1:port".
func FreeTCPAddr(tb testing.TB) string {
	tb.Helper()
	return fmt.Sprintf("127.0.0.1:%d", FreeTCPPort(tb))
}

// reserveTCP binds a TCP socket to 127.0.0.1 and a port the kernel picks,
// without listening, and closes it in tb.Cleanup.
func reserveTCP(tb testing.TB, reuseAddr bool) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("socket: %w", err)
	}
	port, err := bindLoopback(fd, reuseAddr)
	if err != nil {
		_ = syscall.Close(fd)
		return 0, err
	}
	tb.Cleanup(func() {
		if err := syscall.Close(fd); err != nil {
			tb.Errorf("loopback: release port %d: %v", port, err)
		}
	})
	return port, nil
}

// bindLoopback binds fd to 127.0.0.1:0 and returns the port it got.
func bindLoopback(fd int, reuseAddr bool) (int, error) {
	if reuseAddr {
		if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
			return 0, fmt.Errorf("SO_REUSEADDR: %w", err)
		}
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return 0, fmt.Errorf("bind 127.0.0.1:0: %w", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return 0, fmt.Errorf("getsockname: %w", err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		return 0, fmt.Errorf("getsockname: unexpected address %T", sa)
	}
	return in4.Port, nil
}
