// Package backend provides misbehaving upstream servers: TCP and HTTP
// backends that refuse, reset, stall, answer late, crash mid-answer, speak
// TLS only or answer with broken headers, so that a reverse proxy in front
// of them logs one specific upstream failure.
//
// It is plain library code: Serve and Start work on any net.Listener and are
// meant to back a chaos program (cmd/flaky-upstream) as well as tests. The
// testing helpers (ForTest, ClosedPort, AcceptAndClose …) bind 127.0.0.1 on a
// random port and stop the server in tb.Cleanup.
package backend

import (
	"fmt"
	"strings"
)

// Mode selects how a backend misbehaves.
type Mode int

// Modes. The comment of each says what nginx 1.22 logs when it proxies to
// such a backend.
const (
	// ModeAcceptAndClose reads the request head, then closes the connection
	// (FIN) without answering: "upstream prematurely closed connection while
	// reading response header from upstream".
	ModeAcceptAndClose Mode = iota + 1
	// ModeNeverAnswer reads the request and never writes until the server
	// stops: "upstream timed out (110: Connection timed out) while reading
	// response header from upstream" once proxy_read_timeout expires.
	ModeNeverAnswer
	// ModeResetAfterRequest reads the request head, then aborts the
	// connection with an RST (SO_LINGER 0): "recv() failed (104: Connection
	// reset by peer) while reading response header from upstream".
	ModeResetAfterRequest
	// ModeHTTPOK is a well-behaved HTTP/1.1 server answering 200 "ok" to
	// every request.
	ModeHTTPOK
	// ModeHugeHeader answers with a single 64 KiB response header: "upstream
	// sent too big header while reading response header from upstream".
	ModeHugeHeader
	// ModeInvalidHeader answers with a header whose name contains a NUL
	// byte: "upstream sent invalid header … while reading response header
	// from upstream".
	ModeInvalidHeader
	// ModeSlow reads the request head and answers 200 "slow" only after
	// Options.Delay (DefaultSlowDelay): behind a shorter proxy_read_timeout,
	// "upstream timed out (110: Connection timed out) while reading
	// response header from upstream". It stops waiting when the peer
	// closes the connection.
	ModeSlow
	// ModeCrash behaves like a worker process that dies while answering
	// (segfault, OOM kill): it sends the status line and half a header,
	// then closes the connection (FIN, as the kernel does for a dead
	// process whose input was read): "upstream prematurely closed
	// connection while reading response header from upstream". The
	// listener survives; Options.OnCrash runs after each crash.
	ModeCrash
	// ModeTLS is ModeHTTPOK behind TLS only, with Options.TLSConfig or a
	// self-signed certificate made at start. A proxy speaking TLS with
	// verification off gets 200; one verifying it logs "upstream SSL
	// certificate verify error: (18:self-signed certificate)"; one
	// speaking plain HTTP gets a 400 from the backend.
	ModeTLS
)

var modeNames = map[Mode]string{
	ModeAcceptAndClose:    "accept-and-close",
	ModeNeverAnswer:       "never-answer",
	ModeResetAfterRequest: "reset-after-request",
	ModeHTTPOK:            "http-ok",
	ModeHugeHeader:        "huge-header",
	ModeInvalidHeader:     "invalid-header",
	ModeSlow:              "slow",
	ModeCrash:             "crash",
	ModeTLS:               "tls",
}

// Modes lists every mode in declaration order.
func Modes() []Mode {
	return []Mode{
		ModeAcceptAndClose,
		ModeNeverAnswer,
		ModeResetAfterRequest,
		ModeHTTPOK,
		ModeHugeHeader,
		ModeInvalidHeader,
		ModeSlow,
		ModeCrash,
		ModeTLS,
	}
}

// String returns the mode's name, e.g. "accept-and-close".
func (m Mode) String() string {
	if name, ok := modeNames[m]; ok {
		return name
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Valid reports whether m is one of the declared modes.
func (m Mode) Valid() bool {
	_, ok := modeNames[m]
	return ok
}

// ParseMode maps a name as returned by Mode.String back to its Mode.
func ParseMode(name string) (Mode, error) {
	for _, m := range Modes() {
		if strings.EqualFold(m.String(), name) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("backend: unknown mode %q", name)
}
