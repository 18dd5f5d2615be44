package backend

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

const request = "GET / HTTP/1.0\r\nHost: test\r\n\r\n"

// roundTrip sends request to addr and returns what came back before the
// connection ended, and how it ended.
func roundTrip(t *testing.T, addr string, wait time.Duration) ([]byte, error) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatalf("write: %v", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	got, err := io.ReadAll(c)
	return got, err
}

func TestClosedPort(t *testing.T) {
	addr := ClosedPort(t)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("addr %q not on 127.0.0.1", addr)
	}
	_, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: got %v, want connection refused", addr, err)
	}
	// The port stays reserved: a backend cannot take it while the test runs.
	if s, err := Start(addr, ModeHTTPOK); err == nil {
		s.Close()
		t.Fatalf("a backend could listen on the closed port %s", addr)
	}
}

func TestAcceptAndClose(t *testing.T) {
	got, err := roundTrip(t, AcceptAndClose(t), 5*time.Second)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %q, %v; want clean EOF without data", got, err)
	}
}

func TestNeverAnswer(t *testing.T) {
	got, err := roundTrip(t, NeverAnswer(t), 300*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || len(got) != 0 {
		t.Fatalf("got %q, %v; want a read timeout without data", got, err)
	}
}

func TestResetAfterRequest(t *testing.T) {
	got, err := roundTrip(t, ResetAfterRequest(t), 5*time.Second)
	if !errors.Is(err, syscall.ECONNRESET) || len(got) != 0 {
		t.Fatalf("got %q, %v; want connection reset", got, err)
	}
}

func TestHTTPOK(t *testing.T) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Get("http://" + HTTPOK(t) + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("got %d %q, want 200 \"ok\"", resp.StatusCode, body)
	}
}

func TestHugeHeader(t *testing.T) {
	got, err := roundTrip(t, HugeHeader(t), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte("X-Huge: "+strings.Repeat("a", HugeHeaderSize)+"\r\n")) {
		t.Fatalf("no %d byte X-Huge header in %d byte response", HugeHeaderSize, len(got))
	}
}

func TestInvalidHeader(t *testing.T) {
	got, err := roundTrip(t, InvalidHeader(t), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte("X-Invalid\x00Header")) {
		t.Fatalf("no invalid header in %q", got)
	}
}

// TestCloseWithOpenConns checks that stopping a server closes connections it
// holds and returns promptly.
func TestCloseWithOpenConns(t *testing.T) {
	for _, mode := range []Mode{ModeNeverAnswer, ModeHTTPOK} {
		t.Run(mode.String(), func(t *testing.T) {
			ln := observe(t)
			s := NewServer(ln, mode)
			var conns []net.Conn
			for range 3 {
				c, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				conns = append(conns, c)
			}
			// The server took all three: it came back for a fourth.
			ln.waitAcceptCall(t, 4)
			done := make(chan error, 1)
			go func() { done <- s.Close() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Close: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Close did not return within 5s")
			}
			for _, c := range conns {
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				if _, err := c.Read(make([]byte, 1)); err == nil {
					t.Fatal("connection still open after Close")
				} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatal("connection still open after Close (read timed out)")
				}
			}
		})
	}
}

func TestServeCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Serve(ctx, ln, ModeAcceptAndClose); err != nil {
		t.Fatalf("Serve with cancelled ctx: %v", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("listener not closed: %v", err)
	}
	if err := Serve(context.Background(), ln, Mode(0)); err == nil {
		t.Fatal("Serve accepted an invalid mode")
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range Modes() {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("nope"); err == nil {
		t.Error("ParseMode(\"nope\") succeeded")
	}
}
