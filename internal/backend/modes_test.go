package backend

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSlow(t *testing.T) {
	const delay = 300 * time.Millisecond
	start := time.Now()
	got, err := roundTrip(t, Slow(t, delay), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("answered after %v, want at least %v", took, delay)
	}
	if !bytes.HasPrefix(got, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.HasSuffix(got, []byte("\r\n\r\nslow")) {
		t.Fatalf("got %q", got)
	}
}

// TestSlowStops: a pending slow answer neither outlives the server nor a
// peer that gave up.
func TestSlowStops(t *testing.T) {
	ln := observe(t)
	s := NewServerWith(ln, ModeSlow, Options{Delay: time.Hour})
	t.Cleanup(func() { _ = s.Close() })
	gaveUp, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(gaveUp, request); err != nil {
		t.Fatal(err)
	}
	gaveUpSrv := ln.nextConn(t)
	gaveUpSrv.waitRead(t, len(request)) // its answer is pending
	if err := gaveUp.Close(); err != nil {
		t.Fatal(err)
	}
	gaveUpSrv.waitClosed(t, "after the peer gave up")

	waiting, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()
	if _, err := io.WriteString(waiting, request); err != nil {
		t.Fatal(err)
	}
	waitingSrv := ln.nextConn(t)
	waitingSrv.waitRead(t, len(request)) // its answer is pending
	select {
	case <-waitingSrv.closed:
		t.Fatal("the server closed a connection whose answer is pending before it was stopped")
	default:
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5s")
	}
	_ = waiting.SetReadDeadline(time.Now().Add(2 * time.Second))
	if got, err := io.ReadAll(waiting); len(got) != 0 || isTimeout(err) {
		t.Fatalf("after Close: %q, %v; want the connection closed without an answer", got, err)
	}
}

func TestCrash(t *testing.T) {
	var crashes atomic.Int32
	addr := ForTestWith(t, ModeCrash, Options{OnCrash: func() { crashes.Add(1) }})
	for i := 1; i <= 2; i++ { // the listener survives a crash
		got, err := roundTrip(t, addr, 5*time.Second)
		if err != nil || !bytes.Equal(got, crashResponse) {
			t.Fatalf("got %q, %v; want %q then a clean EOF", got, err, crashResponse)
		}
		for range 100 {
			if crashes.Load() == int32(i) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if n := crashes.Load(); n != int32(i) {
			t.Fatalf("OnCrash ran %d times, want %d", n, i)
		}
	}
}

func TestTLSOnly(t *testing.T) {
	addr := TLSOnly(t)
	get := func(url string, tc *tls.Config) (*http.Response, error) {
		client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, TLSClientConfig: tc}}
		defer client.CloseIdleConnections()
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp, err
	}
	if resp, err := get("https://"+addr+"/", &tls.Config{InsecureSkipVerify: true}); err != nil || resp.StatusCode != 200 {
		t.Fatalf("https without verification: %v, %v", resp, err)
	}
	if _, err := get("https://"+addr+"/", &tls.Config{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("https with verification: %v, want a certificate error", err)
	}
	if resp, err := get("http://"+addr+"/", nil); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("plain http: %v, %v; want 400 from the TLS server", resp, err)
	}
}

func TestSelfSignedCert(t *testing.T) {
	cert, err := SelfSignedCert("flaky", "127.0.0.2", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.Leaf.VerifyHostname("flaky"); err != nil {
		t.Error(err)
	}
	if err := cert.Leaf.VerifyHostname("127.0.0.2"); err != nil {
		t.Error(err)
	}
	if err := cert.Leaf.CheckSignature(cert.Leaf.SignatureAlgorithm, cert.Leaf.RawTBSCertificate, cert.Leaf.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
}

// TestUnixSocket: the TCP-level modes work on unix stream sockets too.
func TestUnixSocket(t *testing.T) {
	for _, mode := range []Mode{ModeHTTPOK, ModeAcceptAndClose, ModeCrash} {
		t.Run(mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.sock")
			ln, err := net.Listen("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			s := NewServer(ln, mode)
			defer s.Close()
			c, err := net.DialTimeout("unix", path, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, request); err != nil {
				t.Fatalf("write the request: %v", err)
			}
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			got, err := io.ReadAll(c)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			want := map[Mode]string{ModeHTTPOK: "HTTP/1.0 200 OK", ModeAcceptAndClose: "", ModeCrash: string(crashResponse)}[mode]
			if !strings.HasPrefix(string(got), want) || (want == "" && len(got) != 0) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

func TestOptionErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := ServeWith(context.Background(), ln, ModeSlow, Options{Delay: -time.Second}); err == nil {
		t.Fatal("negative delay accepted")
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("listener not closed: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
