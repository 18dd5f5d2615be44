package backend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits that keep every connection, goroutine and loop of a backend bounded.
const (
	// MaxConns is the number of connections a backend serves at once; more
	// wait in the listen backlog.
	MaxConns = 256
	// HeadTimeout bounds reading a request head.
	HeadTimeout = 10 * time.Second
	// WriteTimeout bounds writing a response.
	WriteTimeout = 10 * time.Second

	maxHeadBytes    = 1 << 20 // request head limit
	drainTimeout    = time.Second
	maxDrainBytes   = 1 << 20
	maxAcceptErrors = 100
)

// Serve accepts connections on ln and handles each as mode says, until ctx is
// cancelled. It always closes ln, and returns only when every connection it
// accepted is closed and its goroutine has returned. It returns nil when ctx
// was cancelled, and an error when mode is invalid or accepting fails.
func Serve(ctx context.Context, ln net.Listener, mode Mode) error {
	return ServeWith(ctx, ln, mode, Options{})
}

// ServeWith is Serve with the options of the modes that take some (ModeSlow,
// ModeCrash, ModeTLS); zero fields take their defaults.
func ServeWith(ctx context.Context, ln net.Listener, mode Mode, o Options) error {
	if !mode.Valid() {
		_ = ln.Close()
		return fmt.Errorf("backend: serve: invalid mode %v", mode)
	}
	o, err := o.withDefaults(mode)
	if err != nil {
		_ = ln.Close()
		return err
	}
	lln := newLimitListener(ln, MaxConns)
	defer lln.Close()
	switch mode {
	case ModeHTTPOK:
		return serveHTTP(ctx, lln)
	case ModeTLS:
		return serveHTTP(ctx, tls.NewListener(lln, o.TLSConfig))
	}
	return serveRaw(ctx, lln, rawHandler(mode, o))
}

// serveHTTP runs a well-behaved HTTP/1.1 server answering 200 "ok".
func serveHTTP(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           http.HandlerFunc(okHandler),
		ReadHeaderTimeout: HeadTimeout,
		ReadTimeout:       HeadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       HeadTimeout,
		MaxHeaderBytes:    maxHeadBytes,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	stop := context.AfterFunc(ctx, func() { _ = srv.Close() })
	defer stop()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	_ = srv.Close()
	return fmt.Errorf("backend: serve http: %w", err)
}

func okHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrainBytes))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", "2")
	_, _ = io.WriteString(w, "ok")
}

// serveRaw runs h on every accepted connection in its own goroutine and
// closes the connection when h returns.
func serveRaw(ctx context.Context, ln net.Listener, h func(net.Conn)) error {
	t := &tracker{conns: make(map[net.Conn]struct{})}
	shutdown := func() {
		_ = ln.Close()
		t.closeAll()
	}
	stop := context.AfterFunc(ctx, shutdown)
	defer func() {
		stop()
		shutdown()
		t.wg.Wait()
	}()

	backoff := 5 * time.Millisecond
	for failures := 0; ; {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			failures++
			if errors.Is(err, net.ErrClosed) || failures >= maxAcceptErrors {
				return fmt.Errorf("backend: accept: %w", err)
			}
			select { // transient error (e.g. EMFILE): back off, bounded
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		failures, backoff = 0, 5*time.Millisecond
		if !t.add(c) {
			_ = c.Close()
			continue
		}
		go func() {
			defer t.done(c)
			h(c)
		}()
	}
}

// tracker remembers open connections so that shutdown can close them.
type tracker struct {
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func (t *tracker) add(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.conns[c] = struct{}{}
	t.wg.Add(1)
	return true
}

func (t *tracker) done(c net.Conn) {
	_ = c.Close()
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	t.wg.Done()
}

func (t *tracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for c := range t.conns {
		_ = c.Close()
	}
}
