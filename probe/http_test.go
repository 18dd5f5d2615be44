package probe

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

var readRequest = probetest.ReadRequest

func TestHTTPSuccessAndPhases(t *testing.T) {
	var gotHost, gotPath, gotUA string
	addr := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotHost, gotPath, gotUA = r.Host, r.URL.RequestURI(), r.UserAgent()
		fmt.Fprint(w, strings.Repeat("x", 100<<10))
	})
	r := runProbe(t, ProbeHTTP, Target{Address: addr, Module: ModuleHTTP, HTTP: HTTPOptions{Path: "/health?full=1"}}, 5*time.Second)
	wantSuccess(t, r)
	if r.StatusCode != 200 || gotHost != addr || gotPath != "/health?full=1" || gotUA != userAgent {
		t.Errorf("status %d, host %q, path %q, UA %q", r.StatusCode, gotHost, gotPath, gotUA)
	}
	for _, p := range []Phase{PhaseConnect, PhaseProcessing, PhaseTransfer} {
		if r.Phases[p] <= 0 {
			t.Errorf("phase %s = %v", p, r.Phases[p])
		}
	}
	if r.Phases[PhaseTLS] != 0 || r.Phases[PhaseResolve] != 0 {
		t.Errorf("phases = %v", r.Phases)
	}
}

func TestHTTPCauses(t *testing.T) {
	serve := func(h func(net.Conn)) string {
		return probetest.Serve(t, "tcp", "127.0.0.1:0", h).Addr().String()
	}
	goTLS := quietServer(http.NotFoundHandler())
	goTLS.StartTLS()
	t.Cleanup(goTLS.Close)
	// What an OpenSSL server sends on plain text: a fatal protocol_version
	// alert record.
	alert := serve(rawHTTP("\x15\x03\x01\x00\x02\x02\x46"))
	// What OpenSSL 3 does: close without a byte. A TLS handshake on the
	// same port then tells.
	silentTLS := silentTLSServer(t)
	for _, tc := range []struct {
		name string
		addr string
		want cause.Cause
	}{
		{"closed port", probetest.ClosedPort(t), cause.ConnectionRefused},
		{"never accepts", probetest.FullBacklog(t), cause.ConnectTimeout},
		{"accept then close", serve(closeFirst), cause.PrematureClose},
		{"read then close", serve(readRequest), cause.PrematureClose},
		{"accept then RST", serve(func(c net.Conn) { readRequest(c); probetest.Reset(c) }), cause.ConnectionReset},
		{"slow headers", serve(probetest.Stall), cause.ReadTimeout},
		{"status 500", httpServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }), cause.UnhealthyStatus},
		{"malformed header", serve(rawHTTP("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n")), cause.InvalidHeader},
		{"bad status line", serve(rawHTTP("HTTP/1.1 2x0 OK\r\n\r\n")), cause.InvalidHeader},
		{"truncated header", serve(rawHTTP("HTTP/1.1 200 OK\r\nX-A: b")), cause.PrematureClose},
		{"truncated body", serve(rawHTTP("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")), cause.PrematureClose},
		{"huge header", serve(rawHTTP("HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n")), cause.HeaderTooBig},
		{"not HTTP", serve(rawHTTP("SSH-2.0-OpenSSH_9.2\r\n")), cause.ProtocolError},
		{"plain HTTP to a Go TLS port", goTLS.Listener.Addr().String(), cause.ProtocolError},
		{"plain HTTP to a TLS port (alert)", alert, cause.ProtocolError},
		{"plain HTTP to a TLS port (closed)", silentTLS, cause.ProtocolError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runProbe(t, ProbeHTTP, Target{Address: tc.addr, Module: ModuleHTTP}, testTimeout)
			wantCause(t, r, tc.want)
		})
	}
}

// closeFirst closes the connection (FIN) as soon as it is accepted, then
// drains the request so that closing does not turn into an RST.
func closeFirst(c net.Conn) {
	_ = c.(*net.TCPConn).CloseWrite()
	readRequest(c)
}

// silentTLSServer is a TLS server that closes plain-text connections
// without answering, as OpenSSL does.
func silentTLSServer(t *testing.T) string {
	cert := probetest.SelfSigned(t, time.Hour, "127.0.0.1")
	l, err := tls.Listen("tcp", "127.0.0.1:0", cert.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	probetest.ServeListener(t, l, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_ = c.(*tls.Conn).Handshake()
	})
	return l.Addr().String()
}

// silentPlainServer is an HTTP server that closes, without answering, a
// connection whose first byte is not a letter (a TLS ClientHello).
func silentPlainServer(t *testing.T) string {
	return probetest.Serve(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		b := make([]byte, 1)
		if _, err := c.Read(b); err != nil || b[0] < 'A' || b[0] > 'Z' {
			return
		}
		readRequest(c)
		_, _ = c.Write([]byte("HTTP/1.0 200 OK\r\n\r\n"))
	}).Addr().String()
}

func TestHTTPSOnPlainPort(t *testing.T) {
	addr := httpServer(t, func(http.ResponseWriter, *http.Request) {})
	r := runProbe(t, ProbeHTTP, Target{Address: addr, Module: ModuleHTTP, TLS: &TLSOptions{InsecureSkipVerify: true}}, 5*time.Second)
	wantCause(t, r, cause.ProtocolError)
	r = runProbe(t, ProbeHTTP, Target{Address: silentPlainServer(t), Module: ModuleHTTP, TLS: &TLSOptions{InsecureSkipVerify: true}}, 5*time.Second)
	wantCause(t, r, cause.ProtocolError)
	if !strings.Contains(r.Err, errSpeaksHTTP.Error()) {
		t.Errorf("err = %q", r.Err)
	}
}

func TestHTTPS(t *testing.T) {
	cert := probetest.SelfSigned(t, 48*time.Hour, "127.0.0.1", "app.test")
	s := quietServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Host, " ", r.TLS.ServerName)
	}))
	s.TLS = cert.ServerConfig()
	s.StartTLS()
	t.Cleanup(s.Close)
	addr := s.Listener.Addr().String()

	r := runProbe(t, ProbeHTTP, Target{Address: addr, Module: ModuleHTTP, TLS: &TLSOptions{}}, 5*time.Second)
	wantCause(t, r, cause.TLSVerifyFailed) // self-signed, not trusted
	if !r.CertNotAfter.Equal(cert.Leaf.NotAfter) {
		t.Errorf("expiry of a rejected certificate = %v, want %v", r.CertNotAfter, cert.Leaf.NotAfter)
	}
	trusted := &TLSOptions{ServerName: "app.test", VerifyName: "app.test", CAFile: cert.CAFile}
	r = runProbe(t, ProbeHTTP, Target{Address: addr, Module: ModuleHTTP, TLS: trusted}, 5*time.Second)
	wantSuccess(t, r)
	if r.Phases[PhaseTLS] <= 0 || !r.CertNotAfter.Equal(cert.Leaf.NotAfter) {
		t.Errorf("tls phase %v, expiry %v", r.Phases[PhaseTLS], r.CertNotAfter)
	}
	wrongName := &TLSOptions{VerifyName: "other.test", CAFile: cert.CAFile}
	r = runProbe(t, ProbeHTTP, Target{Address: addr, Module: ModuleHTTP, TLS: wrongName}, 5*time.Second)
	wantCause(t, r, cause.TLSVerifyFailed)
	r = runProbe(t, ProbeHTTP, Target{Address: addr, Module: ModuleHTTP, TLS: &TLSOptions{InsecureSkipVerify: true}}, 5*time.Second)
	wantSuccess(t, r)
}

func TestHTTPExpectAndHost(t *testing.T) {
	addr := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "app.example" || r.Method != http.MethodHead {
			w.WriteHeader(400)
			return
		}
		w.WriteHeader(404)
	})
	target := Target{Address: addr, Module: ModuleHTTP, HTTP: HTTPOptions{Method: "HEAD", Host: "app.example", Expect: []StatusRange{{404, 404}}}}
	wantSuccess(t, runProbe(t, ProbeHTTP, target, 5*time.Second))
	target.HTTP.Expect = []StatusRange{{200, 299}, {301, 302}}
	r := runProbe(t, ProbeHTTP, target, 5*time.Second)
	wantCause(t, r, cause.UnhealthyStatus)
	if r.StatusCode != 404 || r.Err != "status 404 is not expected (200-299,301-302)" {
		t.Errorf("status %d, err %q", r.StatusCode, r.Err)
	}
}

func TestHTTPRedirects(t *testing.T) {
	var external int
	addr := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			fmt.Fprint(w, "ok")
		case "/out":
			external++
			http.Redirect(w, r, "http://elsewhere.invalid/x", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		}
	})
	target := Target{Address: addr, Module: ModuleHTTP, HTTP: HTTPOptions{Path: "/a", Expect: []StatusRange{{200, 200}}}}
	r := runProbe(t, ProbeHTTP, target, 5*time.Second)
	if r.StatusCode != 302 || r.Success {
		t.Errorf("redirects are followed by default: %+v", r)
	}
	target.HTTP.FollowRedirects = true
	wantSuccess(t, runProbe(t, ProbeHTTP, target, 5*time.Second))
	target.HTTP.Path = "/out"
	if r := runProbe(t, ProbeHTTP, target, 5*time.Second); r.StatusCode != 302 || external != 1 {
		t.Errorf("a redirect to another host was followed: %+v, %d", r, external)
	}
	target.HTTP.Path = "/loop"
	if r := runProbe(t, ProbeHTTP, target, 5*time.Second); r.StatusCode != 302 {
		t.Errorf("redirect loop: %+v", r)
	}
}

func TestHTTPUnixSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	s := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Host)
	})}}
	s.Start()
	t.Cleanup(s.Close)
	wantSuccess(t, runProbe(t, ProbeHTTP, Target{Address: "unix:" + path, Module: ModuleHTTP}, 5*time.Second))
	r := runProbe(t, ProbeHTTP, Target{Address: "unix:" + path + ".missing", Module: ModuleHTTP}, 5*time.Second)
	wantCause(t, r, cause.SocketNotFound)
}
