package loopback

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// ipLocalPortRange is Linux's IP_LOCAL_PORT_RANGE socket option (6.3+): a
// per-socket ephemeral range, low port in the low 16 bits, high in the
// high 16.
const ipLocalPortRange = 51

// listensAtZero bounds the port-0 listens of the statistical check.
const listensAtZero = 2000

func portOf(tb testing.TB, addr string) int {
	tb.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatalf("split %q: %v", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		tb.Fatalf("port of %q: %v", addr, err)
	}
	return port
}

func TestClosedTCPAddrRefusesConnectsAndBinds(t *testing.T) {
	addr := ClosedTCPAddr(t)
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("dial %s succeeded, want connection refused", addr)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
	l, err := net.Listen("tcp", addr) // Go sets SO_REUSEADDR
	if err == nil {
		l.Close()
		t.Fatalf("listen on the closed port %s succeeded while it is reserved", addr)
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("listen on %s: %v, want address in use", addr, err)
	}
}

func TestClosedTCPAddrOnAnotherLoopbackAddress(t *testing.T) {
	addr := ClosedTCPAddrOn(t, "127.0.0.3")
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.3" {
		t.Fatalf("addr %q, %v; want 127.0.0.3:port", addr, err)
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		l.Close()
		t.Fatalf("listen on the closed port %s succeeded while it is reserved", addr)
	}
	for _, bad := range []string{"10.0.0.1", "::1", "localhost", ""} {
		if _, err := loopback4(bad); err == nil {
			t.Errorf("loopback4(%q) accepted it", bad)
		}
	}
}

func TestReservedPortsAreNotHandedOutByTheKernel(t *testing.T) {
	for name, reserve := range map[string]func(testing.TB) int{
		"closed": func(tb testing.TB) int { return portOf(tb, ClosedTCPAddr(tb)) },
		"free":   FreeTCPPort,
	} {
		t.Run(name, func(t *testing.T) {
			port := reserve(t)
			for _, reuse := range []bool{false, true} {
				t.Run(fmt.Sprintf("SO_REUSEADDR=%v", reuse), func(t *testing.T) {
					requireNoAutobindOnly(t, port, reuse)
				})
			}
			t.Run("many listens at port 0", func(t *testing.T) {
				var held []net.Listener
				defer func() {
					for _, l := range held {
						l.Close()
					}
				}()
				for range listensAtZero {
					l, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatalf("listen 127.0.0.1:0: %v", err)
					}
					held = append(held, l)
					if got := l.Addr().(*net.TCPAddr).Port; got == port {
						t.Fatalf("the kernel handed out the reserved port %d", port)
					}
				}
			})
		})
	}
}

// requireNoAutobindOnly binds a socket to port 0 with a per-socket
// ephemeral range of the reserved port alone: the kernel must find no
// port.
func requireNoAutobindOnly(t *testing.T, port int, reuse bool) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	defer syscall.Close(fd)
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, ipLocalPortRange, port|port<<16); err != nil {
		if errors.Is(err, syscall.ENOPROTOOPT) {
			t.Skipf("kernel without IP_LOCAL_PORT_RANGE (Linux < 6.3): %v", err)
		}
		t.Fatalf("IP_LOCAL_PORT_RANGE %d-%d: %v", port, port, err)
	}
	got, err := bindPortZero(fd, [4]byte{127, 0, 0, 1}, reuse)
	switch {
	case err == nil && got == port:
		t.Fatalf("the kernel handed out the reserved port %d", port)
	case err == nil:
		t.Fatalf("bind got port %d outside the per-socket range %d-%d: IP_LOCAL_PORT_RANGE ignored", got, port, port)
	case !errors.Is(err, syscall.EADDRINUSE):
		t.Fatalf("bind with range %d-%d: %v, want address in use", port, port, err)
	}
}

func TestFreeTCPPortServesOnceAServerListens(t *testing.T) {
	addr := FreeTCPAddr(t)
	if c, err := net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
		c.Close()
		t.Fatalf("dial %s succeeded before anything listens", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("a server cannot listen on the reserved port: %v", err)
	}
	defer l.Close()
	accepted := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			c.Close()
		}
		accepted <- err
	}()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s while a server listens: %v", addr, err)
	}
	c.Close()
	select {
	case err := <-accepted:
		if err != nil {
			t.Fatalf("accept: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not accept within 5s")
	}
	if l2, err := net.Listen("tcp", addr); err == nil {
		l2.Close()
		t.Fatalf("a second server could listen on %s", addr)
	}
}

func TestFreeUDPPortIsBelowTheEphemeralRangeAndNeverRepeats(t *testing.T) {
	first, _, err := ephemeralRange()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for range 50 {
		port := FreeUDPPort(t)
		if port >= first || port < 1024 {
			t.Fatalf("port %d is not in [1024, %d)", port, first)
		}
		if seen[port] {
			t.Fatalf("port %d handed out twice", port)
		}
		seen[port] = true
	}
	port := FreeUDPPort(t)
	c, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("bind the free UDP port %d: %v", port, err)
	}
	c.Close()
}
