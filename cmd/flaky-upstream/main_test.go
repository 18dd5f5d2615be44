package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects what run logs while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningRE = regexp.MustCompile(`msg=listening mode=(\S+) address=(\S+)`)

// waitListening waits until log shows n listeners and returns their
// addresses by mode.
func waitListening(t *testing.T, log func() string, n int, done <-chan struct{}) map[string][]string {
	t.Helper()
	for range 200 {
		if m := listeningRE.FindAllStringSubmatch(log(), -1); len(m) >= n {
			addrs := map[string][]string{}
			for _, x := range m {
				addrs[x[1]] = append(addrs[x[1]], x[2])
			}
			return addrs
		}
		select {
		case <-done:
			t.Fatalf("flaky-upstream exited:\n%s", log())
		case <-time.After(25 * time.Millisecond):
		}
	}
	t.Fatalf("flaky-upstream not listening after 5s:\n%s", log())
	return nil
}

// exchange sends a request on network/addr and returns what came back
// before the connection ended, and how it ended.
func exchange(t *testing.T, network, addr string, wait time.Duration) ([]byte, error) {
	t.Helper()
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(wait))
	return io.ReadAll(c)
}

func TestRunServesEveryMode(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "app.sock")
	args := []string{"--slow.delay=200ms", "--listen.healthy=unix:" + sock}
	for _, m := range modes {
		args = append(args, "--listen."+m.name+"=127.0.0.1:0")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &syncBuffer{}
	code, done := make(chan int, 1), make(chan struct{})
	go func() { code <- run(ctx, args, io.Discard, log); close(done) }()
	addrs := waitListening(t, log.String, len(modes)+1, done)
	tcp := func(mode string) string {
		for _, a := range addrs[mode] {
			if !strings.HasPrefix(a, "unix:") {
				return a
			}
		}
		t.Fatalf("no tcp listener for %s: %v", mode, addrs)
		return ""
	}
	if want := []string{"unix:" + sock}; !slices.Contains(addrs["healthy"], want[0]) {
		t.Errorf("healthy listeners %v, want %v among them", addrs["healthy"], want)
	}

	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o666 {
		t.Errorf("unix socket: %v, %v; want mode 0666", fi, err)
	}
	if got, err := exchange(t, "unix", sock, 5*time.Second); err != nil || !bytes.HasSuffix(got, []byte("\r\n\r\nok")) {
		t.Errorf("healthy on unix socket: %q, %v", got, err)
	}
	for mode, check := range map[string]func([]byte, error) bool{
		"healthy":   func(b []byte, err error) bool { return err == nil && bytes.HasPrefix(b, []byte("HTTP/1.1 200 OK")) },
		"slow":      func(b []byte, err error) bool { return err == nil && bytes.HasSuffix(b, []byte("\r\n\r\nslow")) },
		"hang":      func(b []byte, err error) bool { return len(b) == 0 && errors.Is(err, os.ErrDeadlineExceeded) },
		"close":     func(b []byte, err error) bool { return len(b) == 0 && err == nil },
		"reset":     func(b []byte, err error) bool { return len(b) == 0 && errors.Is(err, syscall.ECONNRESET) },
		"bigheader": func(b []byte, err error) bool { return err == nil && len(b) > 64<<10 },
		"badheader": func(b []byte, err error) bool { return err == nil && bytes.Contains(b, []byte("\x00")) },
		"crash": func(b []byte, err error) bool {
			return err == nil && bytes.HasSuffix(b, []byte("Content-Type: text/pl"))
		},
	} {
		wait := 5 * time.Second
		if mode == "hang" {
			wait = 300 * time.Millisecond
		}
		if got, err := exchange(t, "tcp", tcp(mode), wait); !check(got, err) {
			t.Errorf("%s: got %.200q, %v", mode, got, err)
		}
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("https://" + tcp("tls") + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("tls: %v, %v", resp, err)
	} else {
		cert := resp.TLS.PeerCertificates[0]
		if err := cert.VerifyHostname("127.0.0.1"); err != nil {
			t.Errorf("tls certificate: %v", err)
		}
		resp.Body.Close()
	}

	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit status %d after cancel, want 0\n%s", c, log.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of cancel")
	}
	if _, err := os.Lstat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unix socket left behind: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(t.TempDir(), "not-a-socket")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		args []string
		code int
		log  string
	}{
		"nothing":     {nil, 2, "nothing to serve"},
		"bad flag":    {[]string{"--listen.nope=:1"}, 2, "unknown long flag"},
		"bad mode":    {[]string{"--listen.healthy=127.0.0.1:0", "--unix.mode=rw"}, 2, "bad --unix.mode"},
		"bad delay":   {[]string{"--listen.slow=127.0.0.1:0", "--slow.delay=0s"}, 2, "bad --slow.delay"},
		"port in use": {[]string{"--listen.healthy=127.0.0.1:0", "--listen.reset=" + busy.Addr().String()}, 1, "address already in use"},
		"not socket":  {[]string{"--listen.healthy=unix:" + file}, 1, "is not a socket"},
	} {
		t.Run(name, func(t *testing.T) {
			log := &syncBuffer{}
			if code := run(context.Background(), c.args, io.Discard, log); code != c.code || !strings.Contains(log.String(), c.log) {
				t.Errorf("exit status %d, log:\n%s\nwant %d and %q", code, log, c.code, c.log)
			}
		})
	}
}

// TestStaleSocket: a socket file left by a crashed run does not stop the
// next one.
func TestStaleSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "app.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = ln.Close()
	ln2, err := listen("unix:"+sock, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_ = ln2.Close()
}
