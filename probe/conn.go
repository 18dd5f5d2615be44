package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// tracker follows a probe through its stages. The http module's transport
// calls it from its own goroutines, hence the lock.
type tracker struct {
	mu       sync.Mutex
	stage    stage
	started  [NumPhases]time.Time
	phases   [NumPhases]time.Duration
	notAfter time.Time
	conn     *recordingConn
}

func stagePhase(s stage) Phase {
	switch s {
	case stageResolve:
		return PhaseResolve
	case stageConnect:
		return PhaseConnect
	case stageTLS:
		return PhaseTLS
	case stageSend, stageHeaders:
		return PhaseProcessing
	}
	return PhaseTransfer
}

// enter moves to stage s. Leaving a phase adds its time to the phase's
// duration, so that the phases of redirected requests add up.
func (tr *tracker) enter(s stage) {
	now := time.Now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if old, p := stagePhase(tr.stage), stagePhase(s); old != p {
		tr.stop(old, now)
	}
	if p := stagePhase(s); tr.started[p].IsZero() {
		tr.started[p] = now
	}
	tr.stage = s
}

func (tr *tracker) stop(p Phase, now time.Time) {
	if !tr.started[p].IsZero() {
		tr.phases[p] += now.Sub(tr.started[p])
		tr.started[p] = time.Time{}
	}
}

// finish ends the current phase, as the probe ends.
func (tr *tracker) finish() {
	now := time.Now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.stop(stagePhase(tr.stage), now)
}

func (tr *tracker) current() stage {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.stage
}

// fill copies the phase durations and certificate expiry into r, keeping
// the resolve phase the Scheduler measured.
func (tr *tracker) fill(r *Result) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for p := PhaseConnect; p < NumPhases; p++ {
		r.Phases[p] = tr.phases[p]
	}
	if !tr.notAfter.IsZero() {
		r.CertNotAfter = tr.notAfter
	}
}

// trace returns the httptrace hooks that move the tracker through the
// stages: the probe's phases are measured from them. net.Dialer calls
// ConnectStart and ConnectDone itself; the probes call the others.
func (tr *tracker) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		ConnectStart:         func(string, string) { tr.enter(stageConnect) },
		TLSHandshakeStart:    func() { tr.enter(stageTLS) },
		GotConn:              func(httptrace.GotConnInfo) { tr.enter(stageSend) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { tr.enter(stageHeaders) },
		GotFirstResponseByte: func() { tr.enter(stageBody) },
	}
}

// withTrace returns ctx with tr's hooks added to any trace ctx has.
func withTrace(ctx context.Context, tr *tracker) (context.Context, *httptrace.ClientTrace) {
	ctx = httptrace.WithClientTrace(ctx, tr.trace())
	return ctx, httptrace.ContextClientTrace(ctx)
}

// connect dials t and, when useTLS, completes a TLS handshake with opts,
// reporting to the trace in ctx (see withTrace). The connection records the
// first bytes it reads, to tell protocol mismatches apart.
func connect(ctx context.Context, t Target, tr *tracker, useTLS bool, opts TLSOptions) (net.Conn, error) {
	network, host, port, err := splitAddress(t.dialAddress())
	if err != nil {
		return nil, err
	}
	addr := host
	if network == "tcp" {
		addr = net.JoinHostPort(host, port)
	}
	tr.enter(stageConnect)         // also for unix sockets, where the dialer reports nothing
	d := net.Dialer{KeepAlive: -1} // a probe's connection lives for one request
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	rc := &recordingConn{Conn: c}
	tr.mu.Lock()
	tr.conn = rc
	tr.mu.Unlock()
	if !useTLS {
		return rc, nil
	}
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.TLSHandshakeStart != nil {
		trace.TLSHandshakeStart()
	}
	cfg, err := tlsConfig(opts, tr)
	if err != nil {
		rc.Close()
		return nil, err
	}
	tc := tls.Client(rc, cfg)
	err = tc.HandshakeContext(ctx)
	if trace != nil && trace.TLSHandshakeDone != nil {
		trace.TLSHandshakeDone(tc.ConnectionState(), err)
	}
	if err != nil {
		tc.Close()
		var rec tls.RecordHeaderError
		if errors.As(err, &rec) {
			err = fmt.Errorf("the peer does not speak TLS (it answered %q): %w", rec.RecordHeader[:], err)
		}
		return nil, err
	}
	return tc, nil
}

// headBytes is how much of the peer's first bytes a connection keeps.
const headBytes = 16

// recordingConn keeps the first bytes read from the peer.
type recordingConn struct {
	net.Conn
	mu   sync.Mutex
	head []byte
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if room := headBytes - len(c.head); room > 0 {
			c.head = append(c.head, p[:min(n, room)]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

// Head returns a copy of the first bytes read so far.
func (c *recordingConn) Head() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.head...)
}

// looksLikeTLS reports whether b starts with a TLS record header: content
// type change_cipher_spec, alert, handshake or application data, then
// major version 3.
func looksLikeTLS(b []byte) bool {
	return len(b) >= 2 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 0x03
}
