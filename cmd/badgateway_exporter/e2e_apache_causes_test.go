package main

import (
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/apachetest"
	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

// e2eApacheCausesSite: %[1]s a FastCGI responder that writes to stderr,
// %[2]s a TLS backend whose self-signed certificate is not the one in
// %[3]s, %[4]s a backend sending a 64 KiB header, %[5]s one sending a NUL
// in a header name, %[6]s a server that answers in HTTP at once (spoken
// to in FastCGI).
const e2eApacheCausesSite = `
SSLProxyEngine on
SSLProxyVerify require
SSLProxyCACertificateFile %[3]s
ProxyPass /php/    fcgi://%[1]s/srv/www/
ProxyPass /verify  https://%[2]s/
ProxyPass /huge    http://%[4]s/
ProxyPass /invalid http://%[5]s/
ProxyPass /bogus   fcgi://%[6]s/
ProxyPass /perm    unix:{{dir}}/root-only.sock|fcgi://localhost/
`

// TestEndToEndApacheCauses: real Apache in front of a FastCGI app that
// reports "Primary script unknown" on stderr (mod_proxy_fcgi AH01071) and
// a TLS backend whose certificate Apache does not trust (SSLProxyVerify
// require), and backends whose response headers mod_proxy_http refuses
// (AH10124, AH10404, each followed by AH01106), FastCGI spoken to an HTTP
// server (AH01068) and a unix socket only root may open (Apache's children
// run as nobody): fastcgi_stderr, tls_verify_failed, header_too_big,
// invalid_header, protocol_error and permission_denied in /metrics, once
// each.
func TestEndToEndApacheCauses(t *testing.T) {
	fcgi := fastCGIStderrResponder(t, "Primary script unknown")
	tlsBackend := backend.ForTest(t, backend.ModeTLS)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writeUntrustedCA(t, ca)
	huge, invalid := backend.HugeHeader(t), backend.ForTest(t, backend.ModeInvalidHeader)
	ap := apachetest.Start(t, fmt.Sprintf(e2eApacheCausesSite, fcgi, tlsBackend, ca, huge, invalid, httpAnswerer(t)))
	rootOnly := rootOnlySocket(t, filepath.Join(ap.Dir(), "root-only.sock"))
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    format: apache_error\n    from_beginning: true\n", ap.ErrorLogPath()))

	apacheMustGet(t, ap, "/php/missing.php", 404)
	fcgiErr := exportertest.Labels{"proxy": "apache", "cause": "fastcgi_stderr"}
	exp.WaitFor(t, "badgateway_upstream_errors_total", fcgiErr, 1)

	status, _, err := ap.Get("/verify")
	if err != nil || status != 500 && status != 502 {
		t.Fatalf("GET /verify: %d %v, want Apache's 500 or 502", status, err)
	}
	verify := exportertest.Labels{"proxy": "apache", "cause": "tls_verify_failed", "upstream": tlsBackend}
	exp.WaitFor(t, "badgateway_upstream_errors_total", verify, 1)

	apacheMustGet(t, ap, "/huge", 502)
	tooBig := exportertest.Labels{"proxy": "apache", "cause": "header_too_big"}
	exp.WaitFor(t, "badgateway_upstream_errors_total", tooBig, 1)
	apacheMustGet(t, ap, "/invalid", 502)
	invalidHeader := exportertest.Labels{"proxy": "apache", "cause": "invalid_header"}
	exp.WaitFor(t, "badgateway_upstream_errors_total", invalidHeader, 1)
	apacheMustGet(t, ap, "/bogus", 503) // AH01075 Error dispatching request: 503
	bogus := exportertest.Labels{"proxy": "apache", "cause": "protocol_error"}
	exp.WaitFor(t, "badgateway_upstream_errors_total", bogus, 1)
	apacheMustGet(t, ap, "/perm", 503)
	perm := exportertest.Labels{"proxy": "apache", "cause": "permission_denied", "upstream": "unix:" + rootOnly}
	exp.WaitFor(t, "badgateway_upstream_errors_total", perm, 1)
	// Every line Apache wrote so far is read (the AH01106 lines included)
	// before the counts are checked.
	written, err := os.ReadFile(ap.ErrorLogPath())
	if err != nil {
		t.Fatal(err)
	}
	exp.WaitFor(t, "badgateway_log_lines_total", exportertest.Labels{"path": ap.ErrorLogPath()}, float64(strings.Count(string(written), "\n")))

	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		sel  exportertest.Labels
		want float64
	}{
		{"fastcgi_stderr once", fcgiErr, 1},
		{"tls_verify_failed once, on the backend's address", verify, 1},
		{"header_too_big once", tooBig, 1},
		{"invalid_header once (AH01106 after AH10404 not counted)", invalidHeader, 1},
		{"not a handshake failure", exportertest.Labels{"proxy": "apache", "cause": "tls_handshake_failed"}, 0},
		{"protocol_error once", bogus, 1},
		{"permission_denied once", perm, 1},
		{"nothing else", exportertest.Labels{"proxy": "apache"}, 6},
	} {
		if got := exportertest.Value(fams, "badgateway_upstream_errors_total", c.sel); got != c.want {
			t.Errorf("%s: %v = %v, want %v\n%s", c.name, c.sel, got, c.want, exportertest.Series(fams, "badgateway_upstream_errors_total"))
		}
	}
	if got := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"}); got != 0 {
		log, _ := os.ReadFile(ap.ErrorLogPath())
		t.Errorf("unrecognized lines from real Apache: %v\n%s", got, log)
	}
	promtoolCheckMetrics(t, body)
}

// writeUntrustedCA writes the PEM of a self-signed certificate that signed
// nothing the backends use.
func writeUntrustedCA(t *testing.T, path string) {
	cert, err := backend.SelfSignedCert("ca.invalid")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FastCGI record types (the FastCGI 1.0 specification).
const (
	fcgiEndRequest = 3
	fcgiStdin      = 5
	fcgiStdout     = 6
	fcgiStderr     = 7
)

// fastCGIStderrResponder serves FastCGI on a reserved loopback port: for
// every request it writes message on FCGI_STDERR, then a 404 on
// FCGI_STDOUT, as php-fpm does for a script that does not exist.
func fastCGIStderrResponder(t *testing.T, message string) string {
	ln, err := net.Listen("tcp", loopback.FreeTCPAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serveFastCGIStderr(c, message)
		}
	}()
	return ln.Addr().String()
}

func serveFastCGIStderr(c net.Conn, message string) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	var id uint16
	for range 10000 { // records up to the empty FCGI_STDIN that ends the request
		var h [8]byte
		if _, err := io.ReadFull(c, h[:]); err != nil {
			return
		}
		id = binary.BigEndian.Uint16(h[2:4])
		n := int(binary.BigEndian.Uint16(h[4:6])) + int(h[6])
		if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
			return
		}
		if h[1] == fcgiStdin && n == 0 {
			break
		}
	}
	var out []byte
	out = appendFCGIRecord(out, fcgiStderr, id, []byte(message))
	out = appendFCGIRecord(out, fcgiStderr, id, nil)
	out = appendFCGIRecord(out, fcgiStdout, id, []byte("Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nFile not found.\n"))
	out = appendFCGIRecord(out, fcgiStdout, id, nil)
	out = appendFCGIRecord(out, fcgiEndRequest, id, make([]byte, 8)) // appStatus 0, FCGI_REQUEST_COMPLETE
	_, _ = c.Write(out)
}

func appendFCGIRecord(b []byte, typ byte, id uint16, content []byte) []byte {
	b = append(b, 1, typ, byte(id>>8), byte(id), byte(len(content)>>8), byte(len(content)), 0, 0)
	return append(b, content...)
}

// rootOnlySocket listens on a unix socket at path that only root may
// connect to (mode 0600): Apache's children, running as nobody, get EACCES.
func rootOnlySocket(t *testing.T, path string) string {
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return path
}

// httpAnswerer writes an HTTP response to every connection as soon as it
// accepts it, whatever the client sends (FastCGI, here), then closes it.
func httpAnswerer(t *testing.T) string {
	ln, err := net.Listen("tcp", loopback.FreeTCPAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			_, _ = io.Copy(io.Discard, io.LimitReader(c, 1<<20))
			c.Close()
		}
	}()
	return ln.Addr().String()
}
