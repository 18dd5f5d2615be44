package loopback

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// udpAttempts bounds the search for a free UDP port.
const udpAttempts = 200

// handedOutUDP remembers every UDP port this test binary handed out, so
// that none is handed out twice.
var handedOutUDP = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// FreeUDPPort returns a UDP port of 127.0.0.1 for a program under test to
// bind (the exporter's syslog listener).
//
// A UDP port cannot stay reserved while another program binds it (Go does
// not set SO_REUSEADDR on UDP sockets), so the port is taken below the
// kernel's ephemeral range (net.ipv4.ip_local_port_range): the kernel never
// picks such a port for a port-0 bind or a connect, so it cannot hand it to
// another test's peer. Only a program that names the same port explicitly
// could take it before the program under test binds it. This test binary
// never hands out the same port twice.
func FreeUDPPort(tb testing.TB) int {
	tb.Helper()
	port, err := freeUDPPort()
	if err != nil {
		tb.Fatalf("loopback: free UDP port: %v", err)
	}
	return port
}

func freeUDPPort() (int, error) {
	lo, hi, err := nonEphemeralRange()
	if err != nil {
		return 0, err
	}
	handedOutUDP.Lock()
	defer handedOutUDP.Unlock()
	for range udpAttempts {
		port := lo + rand.IntN(hi-lo)
		if handedOutUDP.ports[port] {
			continue
		}
		if err := probeUDP(port); err != nil {
			continue // bound by someone else
		}
		handedOutUDP.ports[port] = true
		return port, nil
	}
	return 0, fmt.Errorf("no free port in [%d, %d) after %d attempts", lo, hi, udpAttempts)
}

// probeUDP binds 127.0.0.1:port (without SO_REUSEADDR) and closes it.
func probeUDP(port int) error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer syscall.Close(fd)
	return syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}})
}

// nonEphemeralRange returns the ports [lo, hi) below the ephemeral range:
// from half its first port up to it, and never below 1024.
func nonEphemeralRange() (lo, hi int, err error) {
	first, _, err := ephemeralRange()
	if err != nil {
		return 0, 0, err
	}
	lo, hi = max(first/2, 1024), first
	if hi-lo < 1024 {
		return 0, 0, fmt.Errorf("ephemeral range starts at %d: too few ports below it", first)
	}
	return lo, hi, nil
}

// ephemeralRange reads net.ipv4.ip_local_port_range.
func ephemeralRange() (first, last int, err error) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, fmt.Errorf("ephemeral port range: %w", err)
	}
	if _, err := fmt.Sscan(strings.TrimSpace(string(b)), &first, &last); err != nil {
		return 0, 0, fmt.Errorf("ephemeral port range %q: %w", b, err)
	}
	if first <= 0 || last < first || last > 65535 {
		return 0, 0, errors.New("ephemeral port range " + strings.TrimSpace(string(b)) + " makes no sense")
	}
	return first, last, nil
}
