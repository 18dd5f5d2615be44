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
	"net"
	"strconv"
	"syscall"
	"testing"
)

// ClosedTCPAddr returns a "127.0.0.1:port" where nothing listens and
// nothing can: a connect is refused (ECONNREFUSED) until the test ends. The
// reserving socket has no SO_REUSEADDR, so no other bind of the port
// succeeds either.
func ClosedTCPAddr(tb testing.TB) string {
	tb.Helper()
	return ClosedTCPAddrOn(tb, "127.0.0.1")
}

// ClosedTCPAddrOn is ClosedTCPAddr on another IPv4 loopback address
// (127.0.0.0/8), as "ip:port".
func ClosedTCPAddrOn(tb testing.TB, ip string) string {
	tb.Helper()
	addr, err := loopback4(ip)
	if err != nil {
		tb.Fatalf("loopback: closed TCP port: %v", err)
	}
	port, err := reserveTCP(tb, addr, false)
	if err != nil {
		tb.Fatalf("loopback: closed TCP port on %s: %v", ip, err)
	}
	return net.JoinHostPort(ip, strconv.Itoa(port))
}

// loopback4 parses an IPv4 loopback address.
func loopback4(ip string) ([4]byte, error) {
	parsed := net.ParseIP(ip).To4()
	if parsed == nil || !parsed.IsLoopback() {
		return [4]byte{}, fmt.Errorf("%q is not an IPv4 loopback address", ip)
	}
	return [4]byte(parsed), nil
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
	port, err := reserveTCP(tb, [4]byte{127, 0, 0, 1}, true)
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

// reserveTCP binds a TCP socket to ip and a port the kernel picks, without
// listening, and closes it in tb.Cleanup.
func reserveTCP(tb testing.TB, ip [4]byte, reuseAddr bool) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("socket: %w", err)
	}
	port, err := bindPortZero(fd, ip, reuseAddr)
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

// bindPortZero binds fd to ip:0 and returns the port it got.
func bindPortZero(fd int, ip [4]byte, reuseAddr bool) (int, error) {
	if reuseAddr {
		if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
			return 0, fmt.Errorf("SO_REUSEADDR: %w", err)
		}
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: ip}); err != nil {
		return 0, fmt.Errorf("bind %v:0: %w", net.IP(ip[:]), err)
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
