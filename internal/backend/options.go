package backend

import (
	"crypto/tls"
	"fmt"
	"time"
)

// DefaultSlowDelay is how long ModeSlow waits when Options.Delay is zero:
// far beyond the few seconds of read timeout the demo gives its proxies,
// below nginx's default proxy_read_timeout (60s), so that a proxy left at
// its defaults sees a slow but working upstream.
const DefaultSlowDelay = 30 * time.Second

// Options tune the modes that take parameters. The zero value is valid.
type Options struct {
	// Delay is how long ModeSlow waits before answering; DefaultSlowDelay
	// when zero.
	Delay time.Duration
	// TLSConfig is ModeTLS's server configuration (it needs a
	// certificate); nil makes one with a certificate from
	// SelfSignedCert("localhost", "127.0.0.1", "::1") when serving starts.
	TLSConfig *tls.Config
	// OnCrash, if set, runs after each connection ModeCrash closed, in
	// that connection's goroutine (cmd/flaky-upstream exits there when
	// told to).
	OnCrash func()
}

// withDefaults fills the zero fields that mode uses.
func (o Options) withDefaults(mode Mode) (Options, error) {
	if o.Delay < 0 {
		return o, fmt.Errorf("backend: negative delay %v", o.Delay)
	}
	if o.Delay == 0 {
		o.Delay = DefaultSlowDelay
	}
	if mode == ModeTLS && o.TLSConfig == nil {
		cert, err := SelfSignedCert("localhost", "127.0.0.1", "::1")
		if err != nil {
			return o, err
		}
		o.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return o, nil
}
