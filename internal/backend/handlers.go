package backend

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// HugeHeaderSize is the size of the single header ModeHugeHeader sends.
const HugeHeaderSize = 64 << 10

var (
	hugeHeaderResponse = []byte("HTTP/1.1 200 OK\r\n" +
		"Content-Type: text/plain\r\n" +
		"X-Huge: " + strings.Repeat("a", HugeHeaderSize) + "\r\n" +
		"Content-Length: 2\r\n" +
		"Connection: close\r\n" +
		"\r\n" +
		"ok")
	invalidHeaderResponse = []byte("HTTP/1.1 200 OK\r\n" +
		"Content-Type: text/plain\r\n" +
		"X-Invalid\x00Header: x\r\n" +
		"Content-Length: 2\r\n" +
		"Connection: close\r\n" +
		"\r\n" +
		"ok")
	slowResponse = []byte("HTTP/1.1 200 OK\r\n" +
		"Content-Type: text/plain\r\n" +
		"Content-Length: 4\r\n" +
		"Connection: close\r\n" +
		"\r\n" +
		"slow")
	// crashResponse is where a dying worker stopped writing: in the middle
	// of a header line.
	crashResponse = []byte("HTTP/1.1 200 OK\r\n" +
		"Content-Type: text/pl")
)

// rawHandler returns the connection handler of a TCP-level mode. The caller
// closes the connection after the handler returns.
func rawHandler(mode Mode, o Options) func(net.Conn) {
	switch mode {
	case ModeAcceptAndClose:
		return func(c net.Conn) {
			_ = readHead(c)
			closeGracefully(c)
		}
	case ModeNeverAnswer:
		return func(c net.Conn) {
			_ = readHead(c)
			// Swallow whatever comes until the peer gives up or the
			// server shuts down (which closes c).
			_ = c.SetReadDeadline(time.Time{})
			_, _ = io.Copy(io.Discard, c)
		}
	case ModeResetAfterRequest:
		return func(c net.Conn) {
			_ = readHead(c)
			if tc, ok := unwrap(c).(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // Close sends RST instead of FIN
			}
			_ = c.Close()
		}
	case ModeSlow:
		return func(c net.Conn) { slow(c, o.Delay) }
	case ModeCrash:
		return func(c net.Conn) {
			if err := readHead(c); err != nil {
				return
			}
			_ = c.SetWriteDeadline(time.Now().Add(WriteTimeout))
			_, _ = c.Write(crashResponse)
			closeGracefully(c)
			if o.OnCrash != nil {
				o.OnCrash()
			}
		}
	case ModeHugeHeader:
		return respondWith(hugeHeaderResponse)
	case ModeInvalidHeader:
		return respondWith(invalidHeaderResponse)
	default:
		return func(net.Conn) {}
	}
}

func respondWith(resp []byte) func(net.Conn) {
	return func(c net.Conn) {
		if err := readHead(c); err != nil {
			return
		}
		_ = c.SetWriteDeadline(time.Now().Add(WriteTimeout))
		if _, err := c.Write(resp); err != nil {
			return
		}
		closeGracefully(c)
	}
}

// slow answers after delay, unless the peer closes the connection first or
// the server stops (which closes c). Whatever the peer sends meanwhile is
// discarded, at most maxDrainBytes of it.
func slow(c net.Conn, delay time.Duration) {
	if err := readHead(c); err != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(delay))
	_, err := io.Copy(io.Discard, io.LimitReader(c, maxDrainBytes))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return // the peer gave up, or the server is stopping
	}
	_ = c.SetReadDeadline(time.Time{})
	_ = c.SetWriteDeadline(time.Now().Add(WriteTimeout))
	if _, err := c.Write(slowResponse); err == nil {
		closeGracefully(c)
	}
}

var errHeadTooBig = errors.New("backend: request head too big")

// readHead reads until the blank line ending an HTTP request head, for at
// most HeadTimeout and maxHeadBytes. The body, if any, is left unread.
func readHead(c net.Conn) error {
	_ = c.SetReadDeadline(time.Now().Add(HeadTimeout))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	var head []byte
	buf := make([]byte, 4096)
	for len(head) < maxHeadBytes {
		n, err := c.Read(buf)
		head = append(head, buf[:n]...)
		if bytes.Contains(head, []byte("\r\n\r\n")) || bytes.Contains(head, []byte("\n\n")) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return errHeadTooBig
}

// closeGracefully sends FIN, then drains what the peer still sends for a
// short while, so that unread input does not turn the close into an RST.
func closeGracefully(c net.Conn) {
	if hc, ok := unwrap(c).(interface{ CloseWrite() error }); ok { // TCP and unix stream sockets
		_ = hc.CloseWrite()
		_ = c.SetReadDeadline(time.Now().Add(drainTimeout))
		_, _ = io.Copy(io.Discard, io.LimitReader(c, maxDrainBytes))
	}
	_ = c.Close()
}
