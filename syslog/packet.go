package syslog

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

func (l *Listener) listenUDP(network, address string) error {
	addr, err := net.ResolveUDPAddr(network, address)
	if err != nil {
		return fmt.Errorf("syslog: listen %s: %w", l.cfg.Listen, err)
	}
	c, err := net.ListenUDP(network, addr)
	if err != nil {
		return fmt.Errorf("syslog: listen %s: %w", l.cfg.Listen, err)
	}
	l.setReadBuffer(c)
	l.packet = c
	l.wg.Add(1)
	go l.servePacket()
	return nil
}

func (l *Listener) listenUnixgram(path string) error {
	if err := removeStaleSocket(path); err != nil {
		return fmt.Errorf("syslog: listen %s: %w", l.cfg.Listen, err)
	}
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("syslog: listen %s: %w", l.cfg.Listen, err)
	}
	if err := os.Chmod(path, l.cfg.SocketMode); err != nil {
		_ = c.Close()
		_ = os.Remove(path)
		return fmt.Errorf("syslog: listen %s: %w", l.cfg.Listen, err)
	}
	l.setReadBuffer(c)
	l.packet = c
	l.unlink = path
	l.wg.Add(1)
	go l.servePacket()
	return nil
}

func (l *Listener) setReadBuffer(c interface{ SetReadBuffer(int) error }) {
	if l.cfg.ReadBuffer > 0 {
		if err := c.SetReadBuffer(l.cfg.ReadBuffer); err != nil {
			l.logger.Debug("Cannot set the socket receive buffer", "bytes", l.cfg.ReadBuffer, "err", err)
		}
	}
}

// servePacket handles datagrams, one message each, until Close.
func (l *Listener) servePacket() {
	defer l.wg.Done()
	buf := make([]byte, l.cfg.MaxMessageBytes+1) // one more to see a longer datagram
	m := new(Message)
	var from netip.AddrPort
	remote := func() string {
		if from.IsValid() {
			return from.String()
		}
		return ""
	}
	var backoff time.Duration
	for {
		var n int
		var err error
		n, from, err = l.readPacket(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || l.isClosed() {
				return
			}
			l.event(Event{Kind: ReadError, Err: err})
			l.logger.Warn("Cannot read syslog socket", "err", err)
			if !l.pause(&backoff) {
				return
			}
			continue
		}
		backoff = 0
		truncated := n > l.cfg.MaxMessageBytes
		if truncated {
			n = l.cfg.MaxMessageBytes
		}
		l.deliver(buf[:n], truncated, m, remote)
	}
}

// readPacket reads one datagram; from is the sender for UDP only (unix
// datagram senders are usually unnamed).
func (l *Listener) readPacket(buf []byte) (n int, from netip.AddrPort, err error) {
	if u, ok := l.packet.(*net.UDPConn); ok {
		return u.ReadFromUDPAddrPort(buf)
	}
	n, err = l.packet.(*net.UnixConn).Read(buf)
	return n, netip.AddrPort{}, err
}

func (l *Listener) isClosed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// removeStaleSocket removes a socket file at path that nobody is bound to
// (left by a process that died). It refuses to touch anything else.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	c, err := net.Dial("unixgram", path)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("%s: a process is already listening: %w", path, syscall.EADDRINUSE)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return err
	}
	return os.Remove(path)
}

// removeSocket removes the socket file at path if it still is a socket.
func removeSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil || fi.Mode().Type() != fs.ModeSocket {
		return err
	}
	return os.Remove(path)
}
