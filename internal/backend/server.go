package backend

import (
	"context"
	"fmt"
	"net"
	"sync"
)

// Server is a backend running in the background. Stop it with Close.
type Server struct {
	addr   string
	cancel context.CancelFunc
	done   chan struct{}
	err    error // set before done is closed

	closeOnce sync.Once
}

// Start listens on the TCP address addr (e.g. "127.0.0.1:0") and serves mode
// in the background.
func Start(addr string, mode Mode) (*Server, error) {
	return StartWith(addr, mode, Options{})
}

// StartWith is Start with options for the modes that take some.
func StartWith(addr string, mode Mode, o Options) (*Server, error) {
	if !mode.Valid() {
		return nil, fmt.Errorf("backend: start: invalid mode %v", mode)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("backend: start %v: %w", mode, err)
	}
	return NewServerWith(ln, mode, o), nil
}

// NewServer serves mode on ln in the background. The server owns ln.
func NewServer(ln net.Listener, mode Mode) *Server {
	return NewServerWith(ln, mode, Options{})
}

// NewServerWith is NewServer with options for the modes that take some.
func NewServerWith(ln net.Listener, mode Mode, o Options) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		addr:   ln.Addr().String(),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		s.err = ServeWith(ctx, ln, mode, o)
	}()
	return s
}

// Addr returns the listen address, e.g. "127.0.0.1:41234".
func (s *Server) Addr() string { return s.addr }

// Close stops the server, closes its connections and waits until every
// goroutine of it has returned. It returns the error that stopped serving
// before Close was called, if any. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(s.cancel)
	<-s.done
	return s.err
}
