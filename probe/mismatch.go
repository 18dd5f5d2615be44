package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// A protocol mismatch on the port is a classic 502 cause. When the peer
// answers the wrong protocol with bytes, the bytes tell (an "HTTP/" record
// header in a TLS handshake, a TLS alert in an HTTP response). Many TLS
// stacks (OpenSSL among them) simply close the connection on plain text,
// and many plain servers close on a ClientHello: the probe then looks like
// a premature close or a failed handshake. In those two cases one more
// connection tells it explicitly, by speaking the other protocol.

// minRecheck is the least time left on the deadline worth a second
// connection.
const minRecheck = 50 * time.Millisecond

// errSpeaksTLS and errSpeaksHTTP explain a detected mismatch.
var (
	errSpeaksTLS  = errors.New("the port speaks TLS: plain HTTP was sent to a TLS port")
	errSpeaksHTTP = errors.New("the port speaks plain HTTP: TLS was sent to a plain-HTTP port")
)

// recheckPlain is called when a plain HTTP probe saw the peer close
// without sending a byte: if a TLS handshake succeeds on the same address,
// the cause is protocol_error.
func recheckPlain(ctx context.Context, t Target, r *Result, tr *tracker) {
	if r.Cause != cause.PrematureClose || !tr.silentPeer() || !timeLeft(ctx) {
		return
	}
	c, err := connect(ctx, t, &tracker{}, true, TLSOptions{InsecureSkipVerify: true})
	var alert tls.AlertError
	if err == nil || errors.As(err, &alert) {
		if c != nil {
			c.Close()
		}
		r.Cause, r.Err = cause.ProtocolError, fmt.Sprintf("%s (%s)", errSpeaksTLS, r.Err)
	}
}

// recheckTLS is called when a TLS handshake failed because the peer closed
// without sending a byte: if the same address answers plain HTTP, the cause
// is protocol_error.
func recheckTLS(ctx context.Context, t Target, r *Result, tr *tracker) {
	if r.Cause != cause.TLSHandshakeFailed || !tr.silentPeer() || !timeLeft(ctx) {
		return
	}
	c, err := connect(ctx, t, &tracker{}, false, TLSOptions{})
	if err != nil {
		return
	}
	defer c.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(d)
	}
	host := t.HTTP.Host
	if host == "" {
		host = defaultHost(t.Address, "http")
	}
	if _, err := fmt.Fprintf(c, "HEAD / HTTP/1.0\r\nHost: %s\r\nUser-Agent: %s\r\n\r\n", host, userAgent); err != nil {
		return
	}
	head := make([]byte, 5)
	if _, err := io.ReadFull(c, head); err == nil && bytes.Equal(head, []byte("HTTP/")) {
		r.Cause, r.Err = cause.ProtocolError, fmt.Sprintf("%s (%s)", errSpeaksHTTP, r.Err)
	}
}

// silentPeer reports whether the peer closed without sending anything.
func (tr *tracker) silentPeer() bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.conn != nil && len(tr.conn.Head()) == 0
}

func timeLeft(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return !ok || time.Until(d) > minRecheck
}
