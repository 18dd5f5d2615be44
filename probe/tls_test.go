package probe

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// tlsServer completes handshakes with cfg and records the SNI it saw.
func tlsServer(t *testing.T, cfg *tls.Config) (addr string, sni func() string) {
	var mu sync.Mutex
	var seen string
	cfg = cfg.Clone()
	cfg.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		mu.Lock()
		seen = h.ServerName
		mu.Unlock()
		return nil, nil
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	probetest.ServeListener(t, l, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_ = c.(*tls.Conn).Handshake()
	})
	return l.Addr().String(), func() string { mu.Lock(); defer mu.Unlock(); return seen }
}

func TestTLS(t *testing.T) {
	cert := probetest.SelfSigned(t, 24*time.Hour, "127.0.0.1", "app.test")
	addr, sni := tlsServer(t, cert.ServerConfig())

	r := runProbe(t, ProbeTLS, Target{Address: addr, Module: ModuleTLS}, 5*time.Second)
	wantCause(t, r, cause.TLSVerifyFailed)

	ok := Target{Address: addr, Module: ModuleTLS, TLS: &TLSOptions{ServerName: "app.test", VerifyName: "app.test", CAFile: cert.CAFile}}
	r = runProbe(t, ProbeTLS, ok, 5*time.Second)
	wantSuccess(t, r)
	if sni() != "app.test" || !r.CertNotAfter.Equal(cert.Leaf.NotAfter) || r.Phases[PhaseTLS] <= 0 || r.Phases[PhaseConnect] <= 0 {
		t.Errorf("sni %q, expiry %v, phases %v", sni(), r.CertNotAfter, r.Phases)
	}
	// The IP address is verified against the certificate's IP SAN, no SNI.
	r = runProbe(t, ProbeTLS, Target{Address: addr, Module: ModuleTLS, TLS: &TLSOptions{VerifyName: "127.0.0.1", CAFile: cert.CAFile}}, 5*time.Second)
	wantSuccess(t, r)
	if sni() != "" {
		t.Errorf("SNI %q sent", sni())
	}
	// Chain only, as HAProxy does without sni or verifyhost.
	wantSuccess(t, runProbe(t, ProbeTLS, Target{Address: addr, Module: ModuleTLS, TLS: &TLSOptions{CAFile: cert.CAFile}}, 5*time.Second))
	r = runProbe(t, ProbeTLS, Target{Address: addr, Module: ModuleTLS, TLS: &TLSOptions{VerifyName: "nope.test", CAFile: cert.CAFile}}, 5*time.Second)
	wantCause(t, r, cause.TLSVerifyFailed)
}

func TestTLSExpired(t *testing.T) {
	cert := probetest.SelfSigned(t, -time.Minute, "127.0.0.1")
	addr, _ := tlsServer(t, cert.ServerConfig())
	r := runProbe(t, ProbeTLS, Target{Address: addr, Module: ModuleTLS, TLS: &TLSOptions{VerifyName: "127.0.0.1", CAFile: cert.CAFile}}, 5*time.Second)
	wantCause(t, r, cause.TLSVerifyFailed)
	if !r.CertNotAfter.Before(time.Now()) {
		t.Errorf("expiry %v", r.CertNotAfter)
	}
	wantSuccess(t, runProbe(t, ProbeTLS, Target{Address: addr, Module: ModuleTLS, TLS: &TLSOptions{InsecureSkipVerify: true}}, 5*time.Second))
}

func TestTLSCauses(t *testing.T) {
	cert := probetest.SelfSigned(t, time.Hour, "127.0.0.1")
	needClientCert := cert.ServerConfig()
	needClientCert.ClientAuth = tls.RequireAnyClientCert
	needClientCert.MaxVersion = tls.VersionTLS12 // in TLS 1.3 the client's handshake ends before the server checks
	clientCertAddr, _ := tlsServer(t, needClientCert)
	oldOnly := cert.ServerConfig()
	oldOnly.MaxVersion = tls.VersionTLS11
	oldOnly.MinVersion = tls.VersionTLS10
	oldAddr, _ := tlsServer(t, oldOnly)
	serve := func(h func(net.Conn)) string {
		return probetest.Serve(t, "tcp", "127.0.0.1:0", h).Addr().String()
	}
	plainHTTP := httpServer(t, func(http.ResponseWriter, *http.Request) {})
	for _, tc := range []struct {
		name, addr string
		want       cause.Cause
	}{
		{"client certificate required", clientCertAddr, cause.TLSHandshakeFailed},
		{"no common version", oldAddr, cause.TLSHandshakeFailed},
		{"closed in the handshake", serve(func(c net.Conn) { _, _ = c.Read(make([]byte, 10)) }), cause.TLSHandshakeFailed},
		{"reset in the handshake", serve(func(c net.Conn) { _, _ = c.Read(make([]byte, 10)); probetest.Reset(c) }), cause.TLSHandshakeFailed},
		{"TLS to a plain HTTP port", plainHTTP, cause.ProtocolError},
		{"TLS to a plain HTTP port that closes", silentPlainServer(t), cause.ProtocolError},
		{"stalled handshake", serve(probetest.Stall), cause.ConnectTimeout},
		{"closed port", probetest.ClosedPort(t), cause.ConnectionRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runProbe(t, ProbeTLS, Target{Address: tc.addr, Module: ModuleTLS, TLS: &TLSOptions{InsecureSkipVerify: true}}, testTimeout)
			wantCause(t, r, tc.want)
		})
	}
}
