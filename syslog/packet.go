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
	if err := enableDropCount(c); err != nil {
		l.logger.Info("The kernel's drops of syslog datagrams cannot be counted", "err", err)
	} else {
		l.countsDrops = true
	}
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

// setReadBuffer asks for Config.ReadBuffer and says when the kernel
// granted less (it caps the size at net.core.rmem_max).
func (l *Listener) setReadBuffer(c interface {
	SetReadBuffer(int) error
	syscall.Conn
}) {
	if l.cfg.ReadBuffer <= 0 {
		return
	}
	if err := c.SetReadBuffer(l.cfg.ReadBuffer); err != nil {
		l.logger.Warn("Cannot set the syslog socket's receive buffer", "bytes", l.cfg.ReadBuffer, "err", err)
		return
	}
	if got, err := receiveBufferBytes(c); err == nil && got < l.cfg.ReadBuffer {
		l.logger.Info("The kernel capped the syslog socket's receive buffer: raise net.core.rmem_max for more",
			"asked_bytes", l.cfg.ReadBuffer, "got_bytes", got)
	}
}

// servePacket handles datagrams, one message each, until Close.
func (l *Listener) servePacket() {
	defer l.wg.Done()
	buf := make([]byte, l.cfg.MaxMessageBytes+1) // one more to see a longer datagram
	var oob []byte
	if l.countsDrops {
		oob = make([]byte, dropCountOOBBytes)
	}
	var drops dropCounter
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
		var n, oobn int
		var err error
		n, oobn, from, err = l.readPacket(buf, oob)
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
		if counter, ok := parseDropCount(oob[:oobn]); ok {
			if d := drops.update(counter); d > 0 {
				l.event(Event{Kind: Dropped, Count: int(d)})
			}
		}
		truncated := n > l.cfg.MaxMessageBytes
		if truncated {
			n = l.cfg.MaxMessageBytes
		}
		l.deliver(buf[:n], truncated, m, remote)
	}
}

// readPacket reads one datagram and, for UDP, its control messages into
// oob; from is the sender for UDP only (unix datagram senders are usually
// unnamed).
func (l *Listener) readPacket(buf, oob []byte) (n, oobn int, from netip.AddrPort, err error) {
	if u, ok := l.packet.(*net.UDPConn); ok {
		n, oobn, _, from, err = u.ReadMsgUDPAddrPort(buf, oob)
		return n, oobn, from, err
	}
	n, err = l.packet.(*net.UnixConn).Read(buf)
	return n, 0, netip.AddrPort{}, err
}

// dropCounter turns the kernel's cumulative uint32 drop counter into
// increments, across its wrap-around.
type dropCounter struct{ last uint32 }

func (d *dropCounter) update(counter uint32) (increment uint32) {
	increment = counter - d.last // modulo 2^32: right across a wrap
	d.last = counter
	return increment
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
