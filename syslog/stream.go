package syslog

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

func (l *Listener) listenTCP(network, address string) error {
	ln, err := net.Listen(network, address)
	if err != nil {
		return fmt.Errorf("syslog: listen %s: %w", l.cfg.Listen, err)
	}
	l.stream = ln
	l.wg.Add(1)
	go l.accept()
	return nil
}

// accept accepts TCP connections until Close.
func (l *Listener) accept() {
	defer l.wg.Done()
	var backoff time.Duration
	rejecting := false
	for {
		c, err := l.stream.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || l.isClosed() {
				return
			}
			l.event(Event{Kind: ReadError, Err: err})
			l.logger.Warn("Cannot accept syslog connection", "err", err)
			if !l.pause(&backoff) {
				return
			}
			continue
		}
		backoff = 0
		switch l.track(c) {
		case trackOK:
			rejecting = false
			go l.serveConn(c)
		case trackFull:
			remote := c.RemoteAddr().String()
			_ = c.Close()
			l.event(Event{Kind: Rejected, Remote: remote})
			if !rejecting {
				l.logger.Warn("Too many syslog connections: rejecting new ones", "max", l.cfg.MaxConnections, "remote", remote)
			}
			rejecting = true
		case trackClosed:
			_ = c.Close()
			return
		}
	}
}

const (
	trackOK = iota
	trackFull
	trackClosed
)

// track registers c for Close and the connection limit; on trackOK the
// caller must run serveConn(c), which is counted in l.wg.
func (l *Listener) track(c net.Conn) int {
	l.cmu.Lock()
	defer l.cmu.Unlock()
	switch {
	case l.closed:
		return trackClosed
	case len(l.conns) >= l.cfg.MaxConnections:
		return trackFull
	}
	l.conns[c] = struct{}{}
	l.wg.Add(1)
	return trackOK
}

// serveConn handles the messages of one TCP connection until it ends, is
// idle for Config.IdleTimeout or the listener is closed.
func (l *Listener) serveConn(c net.Conn) {
	defer l.wg.Done()
	remoteAddr := c.RemoteAddr().String()
	remote := func() string { return remoteAddr }
	l.event(Event{Kind: Connected, Remote: remoteAddr})
	defer func() {
		_ = c.Close()
		l.cmu.Lock()
		delete(l.conns, c)
		l.cmu.Unlock()
		l.event(Event{Kind: Disconnected, Remote: remoteAddr})
	}()

	f := newFramer(deadlineReader{c: c, idle: l.cfg.IdleTimeout}, l.cfg.MaxMessageBytes)
	m := new(Message)
	for {
		frame, truncated, err := f.next()
		if err == nil {
			l.deliver(frame, truncated, m, remote)
			continue
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), l.isClosed():
		case errors.Is(err, os.ErrDeadlineExceeded):
			l.logger.Debug("Closing idle syslog connection", "remote", remoteAddr, "idle", l.cfg.IdleTimeout)
		default:
			l.event(Event{Kind: ReadError, Remote: remoteAddr, Err: err})
			l.logger.Debug("Syslog connection failed", "remote", remoteAddr, "err", err)
		}
		return
	}
}

// deadlineReader sets the idle deadline before each read.
type deadlineReader struct {
	c    net.Conn
	idle time.Duration
}

func (r deadlineReader) Read(p []byte) (int, error) {
	if r.idle > 0 {
		if err := r.c.SetReadDeadline(time.Now().Add(r.idle)); err != nil {
			return 0, err
		}
	}
	return r.c.Read(p)
}
