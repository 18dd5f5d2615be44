package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

// closeBound bounds every wait for the server to close a connection; the
// timeouts under test are far shorter.
const closeBound = 10 * time.Second

// dialRequest opens a raw connection to addr and, with a complete request,
// reads the answer, leaving the connection open (keep-alive).
func dialRequest(t *testing.T, addr string, complete bool) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, r, err := tryRequest(addr, complete)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, r
}

func tryRequest(addr string, complete bool) (net.Conn, *bufio.Reader, error) {
	c, err := net.DialTimeout("tcp", addr, closeBound)
	if err != nil {
		return nil, nil, err
	}
	r := bufio.NewReader(c)
	if !complete {
		return c, r, nil
	}
	if _, err := io.WriteString(c, "GET /-/healthy HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		c.Close()
		return nil, nil, err
	}
	c.SetReadDeadline(time.Now().Add(closeBound))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("no answer on a new connection: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		c.Close()
		return nil, nil, fmt.Errorf("GET /-/healthy: %d, close %v; want 200 and keep-alive", resp.StatusCode, resp.Close)
	}
	return c, r, nil
}

// waitClosedByServer reads until the server closes c, failing if it is
// still open after closeBound; it returns how long that took.
func waitClosedByServer(t *testing.T, c net.Conn, r *bufio.Reader) time.Duration {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(closeBound))
	n, err := io.Copy(io.Discard, r) // nil error at EOF
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %v", closeBound)
	}
	if n > 0 {
		t.Errorf("the server answered %d bytes before closing", n)
	}
	return time.Since(start)
}

// An idle keep-alive connection is closed after --web.idle-timeout, and a
// client that never finishes its headers is cut off after
// --web.read-header-timeout.
func TestHTTPTimeouts(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t), "--web.idle-timeout=300ms", "--web.read-header-timeout=300ms")

	idle, idleR := dialRequest(t, exp.Addr, true)
	slow, slowR := dialRequest(t, exp.Addr, false)
	if _, err := io.WriteString(slow, "GET /metrics HTTP/1.1\r\nHost: test\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	if took := waitClosedByServer(t, idle, idleR); took > 5*time.Second {
		t.Errorf("idle connection closed after %v, want about 300ms", took)
	}
	if took := waitClosedByServer(t, slow, slowR); took > 5*time.Second {
		t.Errorf("slow headers cut off after %v, want about 300ms", took)
	}
}

// Without the flags the limits are the defaults, not none (waiting 2
// minutes for the default idle timeout is no test).
func TestHTTPLimitDefaults(t *testing.T) {
	var out strings.Builder
	if code := run([]string{"--help"}, nil, &out, &out); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, flag := range []string{"--web.read-header-timeout=10s", "--web.idle-timeout=2m", "--web.max-connections=512", "web.enable-lifecycle"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("--help does not show %s", flag)
		}
	}
}

// Connections beyond --web.max-connections are closed unanswered; once one
// of the open ones ends, a new one is served.
func TestMaxConnections(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t), "--web.max-connections=2")
	// Start's readiness check may have left a keep-alive connection open;
	// hold two served connections once the server has seen it end.
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	var held []net.Conn
	for attempt := 0; len(held) < 2; attempt++ {
		if attempt == 200 {
			t.Fatalf("could not hold 2 connections:\n%s", exp.Logs())
		}
		if c, _, err := tryRequest(exp.Addr, true); err == nil {
			held = append(held, c)
			t.Cleanup(func() { c.Close() })
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	first := held[0]

	third, thirdR := dialRequest(t, exp.Addr, false)
	io.WriteString(third, "GET /-/healthy HTTP/1.1\r\nHost: test\r\n\r\n") // may fail: closed already
	waitClosedByServer(t, third, thirdR)

	first.Close()
	client := &http.Client{Timeout: closeBound, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(closeBound)
	for {
		resp, err := client.Get("http://" + exp.Addr + "/-/healthy")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection served after one of the two ended: %v\n%s", err, exp.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(exp.Logs(), "Too many connections") {
		t.Errorf("the refusal is not logged:\n%s", exp.Logs())
	}
}

// Every answer tells browsers not to guess its type: text endpoints,
// errors and the 403 of /-/reload included.
func TestNoSniff(t *testing.T) {
	exp := exportertest.Start(t, absentLogConfig(t))
	for _, req := range []struct{ method, path string }{
		{"GET", "/-/healthy"}, {"GET", "/-/ready"}, {"POST", "/-/reload"}, {"GET", "/-/reload"},
		{"GET", "/probes"}, {"GET", "/probes?format=text"}, {"GET", "/metrics"}, {"GET", "/"}, {"GET", "/no/such/page"},
	} {
		r, _ := http.NewRequest(req.method, "http://"+exp.Addr+req.path, nil)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q, want nosniff", req.method, req.path, resp.StatusCode, got)
		}
	}
}
