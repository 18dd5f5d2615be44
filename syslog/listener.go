package syslog

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Defaults applied to zero Config fields.
const (
	DefaultMaxMessageBytes = 64 << 10
	DefaultMaxConnections  = 256
	DefaultIdleTimeout     = 10 * time.Minute
	DefaultSocketMode      = fs.FileMode(0o666)
	// DefaultReadBuffer is the socket receive buffer asked for UDP and
	// unixgram (the kernel caps it at net.core.rmem_max): bursts of
	// datagrams wait there while a handler call runs.
	DefaultReadBuffer = 4 << 20

	maxMaxMessageBytes = 16 << 20
)

// Config configures a Listener.
type Config struct {
	// Listen is the socket URL; see ParseListenURL.
	Listen string
	// MaxMessageBytes bounds a message (default 64 KiB, at most 16 MiB).
	// A longer one is cut to this length, handled, and reported Truncated.
	MaxMessageBytes int
	// MaxConnections bounds concurrent TCP connections (default 256). A
	// new connection beyond it closes the one idle for longest (Evicted).
	MaxConnections int
	// IdleTimeout closes a TCP connection that sent nothing for this long
	// (default 10 minutes, negative: never). Senders reconnect.
	IdleTimeout time.Duration
	// SocketMode is the permission of a unixgram socket file (default
	// 0666, like /dev/log: senders often run as another user).
	SocketMode fs.FileMode
	// ReadBuffer is the UDP/unixgram socket receive buffer asked for
	// (default DefaultReadBuffer, negative: the system's default).
	ReadBuffer int
	// Logger receives the listener's start, stop and errors. Default
	// slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.MaxMessageBytes < 0 || c.MaxMessageBytes > maxMaxMessageBytes || c.MaxConnections < 0 {
		return c, fmt.Errorf("syslog: MaxMessageBytes must be 0 to %d, MaxConnections not negative", maxMaxMessageBytes)
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.SocketMode == 0 {
		c.SocketMode = DefaultSocketMode
	}
	if c.ReadBuffer == 0 {
		c.ReadBuffer = DefaultReadBuffer
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

// Listener is a running syslog socket; see Listen.
type Listener struct {
	cfg     Config
	h       Handler
	network string
	path    string
	logger  *slog.Logger

	packet      net.PacketConn // udp, unixgram
	countsDrops bool           // SO_RXQ_OVFL is on (UDP on Linux)
	stream      net.Listener   // tcp
	unlink      string         // unixgram socket file to remove on Close

	hmu sync.Mutex // serialises Handler calls

	cmu     sync.Mutex
	conns   map[*tcpConn]struct{} // open TCP connections
	closed  bool
	started time.Time // for tcpConn.lastRead

	done      chan struct{} // closed by Close
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Listen opens the socket of cfg.Listen and serves it in goroutines until
// Close. h receives messages and events; see Handler.
func Listen(cfg Config, h Handler) (*Listener, error) {
	if h == nil {
		return nil, errors.New("syslog: nil Handler")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	network, address, err := ParseListenURL(cfg.Listen)
	if err != nil {
		return nil, err
	}
	l := &Listener{
		cfg: cfg, h: h, network: network, path: pathLabel(network, address),
		conns: make(map[*tcpConn]struct{}), done: make(chan struct{}), started: time.Now(),
	}
	l.logger = cfg.Logger.With("listen", l.path)
	switch network {
	case "unixgram":
		err = l.listenUnixgram(address)
	case "udp", "udp4", "udp6":
		err = l.listenUDP(network, address)
	default:
		err = l.listenTCP(network, address)
	}
	if err != nil {
		return nil, err
	}
	l.logger.Info("Listening for syslog messages", "addr", l.Addr().String())
	return l, nil
}

// Addr returns the socket's address, e.g. the port chosen for port 0.
func (l *Listener) Addr() net.Addr {
	if l.stream != nil {
		return l.stream.Addr()
	}
	return l.packet.LocalAddr()
}

// CountsDrops reports whether the listener reports the datagrams the kernel
// dropped for its socket (Event Dropped): for UDP on Linux. A unix datagram
// socket does not drop: when its queue is full the senders wait, or fail
// if they do not block.
func (l *Listener) CountsDrops() bool { return l.countsDrops }

// Path returns the listener's name for the self-metrics path label:
// "syslog://127.0.0.1:5514" (UDP), "syslog+tcp://127.0.0.1:5514" (TCP),
// "syslog:///run/bg.sock" (unixgram), with the address as configured.
func (l *Listener) Path() string { return l.path }

// Close closes the socket and every TCP connection, waits for the serving
// goroutines to end (only a Handler call in progress can delay it) and
// removes a unixgram socket file. It is safe to call more than once.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		close(l.done)
		var err error
		if l.stream != nil {
			err = l.stream.Close()
		} else {
			err = l.packet.Close()
		}
		l.cmu.Lock()
		l.closed = true
		for c := range l.conns {
			_ = c.Close()
		}
		l.cmu.Unlock()
		l.wg.Wait()
		if l.unlink != "" {
			if rerr := removeSocket(l.unlink); rerr != nil && err == nil {
				err = rerr
			}
		}
		if err != nil {
			l.closeErr = fmt.Errorf("syslog: close %s: %w", l.path, err)
		}
		l.logger.Info("Stopped listening for syslog messages")
	})
	return l.closeErr
}

// deliver decodes one message and calls the Handler, serialised. remote
// is only called when an event needs the sender's address.
func (l *Listener) deliver(b []byte, truncated bool, m *Message, remote func() string) {
	err := Decode(b, m)
	l.hmu.Lock()
	defer l.hmu.Unlock()
	if err != nil {
		l.h.Event(Event{Kind: Malformed, Remote: remote(), Err: err})
		l.logger.Debug("Skipped malformed syslog message", "remote", remote(), "err", err)
	} else {
		l.h.Message(m)
	}
	if truncated {
		l.h.Event(Event{Kind: Truncated, Remote: remote()})
	}
}

// event calls Handler.Event, serialised.
func (l *Listener) event(ev Event) {
	l.hmu.Lock()
	defer l.hmu.Unlock()
	l.h.Event(ev)
}

// pause waits d (doubled for next time, up to a second) or until Close;
// it reports false on Close.
func (l *Listener) pause(d *time.Duration) bool {
	*d = min(max(2**d, 5*time.Millisecond), time.Second)
	t := time.NewTimer(*d)
	defer t.Stop()
	select {
	case <-l.done:
		return false
	case <-t.C:
		return true
	}
}
