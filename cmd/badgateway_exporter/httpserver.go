package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
)

// newHTTPServer returns the server of the --web.* flags: a client must send
// its headers within the read-header timeout, an idle keep-alive connection
// is closed after the idle timeout, and connections beyond the cap are
// closed at once, so that idle or slow clients cannot use up the file
// descriptors that the followed logs need.
func newHTTPServer(h http.Handler, opts *serveOptions, logger *slog.Logger) *http.Server {
	s := &http.Server{
		Handler:           noSniff(h),
		ReadHeaderTimeout: opts.readHeaderTimeout,
		IdleTimeout:       opts.idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}
	if opts.maxConnections > 0 {
		s.ConnState = (&connLimit{max: int64(opts.maxConnections), logger: logger}).track
	}
	return s
}

// connLimit closes the connections beyond max as soon as they are accepted.
// It counts in http.Server's ConnState hook, so it works on whatever
// listeners exporter-toolkit opens (--web.listen-address, systemd sockets).
type connLimit struct {
	max    int64
	open   atomic.Int64
	full   atomic.Bool // the cap was reached and logged; cleared below it
	logger *slog.Logger
}

func (l *connLimit) track(c net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		if l.open.Add(1) > l.max {
			if l.full.CompareAndSwap(false, true) {
				l.logger.Warn("Too many connections: closing new ones until some end (--web.max-connections)", "max", l.max)
			}
			_ = c.Close() // the server still reports it StateClosed
		}
	case http.StateClosed, http.StateHijacked:
		if l.open.Add(-1) < l.max {
			l.full.Store(false)
		}
	}
}

// noSniff tells browsers to believe the Content-Type of every answer
// (text/plain health, readiness, reload and error answers included).
func noSniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// crossOrigin reports whether a browser sent r from a page of another
// origin (a form or fetch on some web site posting to the exporter): its
// Origin header, which browsers set on such requests, names another host.
// Clients such as curl send no Origin.
func crossOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host == "" || u.Host != r.Host
}
