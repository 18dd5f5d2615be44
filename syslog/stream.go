package syslog

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
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

// accept accepts TCP connections until Close. At Config.MaxConnections
// the longest-idle connection is closed to make room: the new sender is
// live (its writes already succeed), an idle one reconnects when it has
// something to say.
func (l *Listener) accept() {
	defer l.wg.Done()
	var backoff time.Duration
	evicting := false
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
		tc := &tcpConn{Conn: c}
		evicted, ok := l.track(tc)
		if !ok {
			_ = c.Close()
			return
		}
		go l.serveConn(tc)
		if evicted == nil {
			evicting = false
			continue
		}
		remote := evicted.RemoteAddr().String()
		l.event(Event{Kind: Evicted, Remote: remote})
		if !evicting {
			l.logger.Warn("Too many syslog connections: closing the longest idle for each new one",
				"max", l.cfg.MaxConnections, "evicted", remote, "idle", l.sinceStart()-time.Duration(evicted.lastRead.Load()))
		}
		evicting = true
	}
}

// tcpConn is an open TCP connection and when it last received data.
type tcpConn struct {
	net.Conn
	lastRead atomic.Int64 // Listener.sinceStart in nanoseconds
}

// track registers c for Close and the connection limit, first closing and
// returning the longest-idle connection if the limit is reached. On ok the
// caller must run serveConn(c), which is counted in l.wg; ok is false once
// the listener is closed.
func (l *Listener) track(c *tcpConn) (evicted *tcpConn, ok bool) {
	c.lastRead.Store(int64(l.sinceStart()))
	l.cmu.Lock()
	defer l.cmu.Unlock()
	if l.closed {
		return nil, false
	}
	if len(l.conns) >= l.cfg.MaxConnections {
		for o := range l.conns {
			if evicted == nil || o.lastRead.Load() < evicted.lastRead.Load() {
				evicted = o
			}
		}
		delete(l.conns, evicted)
		_ = evicted.Close()
	}
	l.conns[c] = struct{}{}
	l.wg.Add(1)
	return evicted, true
}

// sinceStart is the monotonic time since Listen.
func (l *Listener) sinceStart() time.Duration { return time.Since(l.started) }

// serveConn handles the messages of one TCP connection until it ends, is
// idle for Config.IdleTimeout or the listener is closed.
func (l *Listener) serveConn(c *tcpConn) {
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

	f := newFramer(connReader{c: c, l: l}, l.cfg.MaxMessageBytes)
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

// connReader sets the idle deadline before each read and notes when data
// arrived.
type connReader struct {
	c *tcpConn
	l *Listener
}

func (r connReader) Read(p []byte) (int, error) {
	if idle := r.l.cfg.IdleTimeout; idle > 0 {
		if err := r.c.SetReadDeadline(time.Now().Add(idle)); err != nil {
			return 0, err
		}
	}
	n, err := r.c.Read(p)
	if n > 0 {
		r.c.lastRead.Store(int64(r.l.sinceStart()))
	}
	return n, err
}
