package syslog

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Each kind of socket: a malformed message is counted and skipped, the
// valid ones after it are delivered.
func TestListenerMalformedThenValid(t *testing.T) {
	for _, listen := range []string{"udp://127.0.0.1:0", "tcp://127.0.0.1:0", "unixgram://" + filepath.Join(t.TempDir(), "log.sock")} {
		t.Run(strings.SplitN(listen, ":", 2)[0], func(t *testing.T) {
			l, rec := startListener(t, Config{Listen: listen})
			c := dial(t, l)
			sep := ""
			if l.Addr().Network() == "tcp" {
				sep = "\n"
			}
			write(t, c, "no pri here"+sep)
			rec.waitEvents(t, Malformed, 1)
			write(t, c, haproxyLocal) // ends with "\n" as HAProxy sends it
			write(t, c, nginxError+sep)
			msgs := rec.waitMessages(t, 2)
			if msgs[0].Tag != "haproxy" || msgs[0].PID != "31760" || !strings.Contains(msgs[0].Content, " 503 ") ||
				strings.HasSuffix(msgs[0].Content, "\n") {
				t.Errorf("haproxy message: %+v", msgs[0])
			}
			if msgs[1].Tag != "nginx" || msgs[1].Host != "vm" || msgs[1].Facility != 23 || msgs[1].Severity != 3 ||
				!strings.HasPrefix(msgs[1].Content, "2026/11/21 11:01:30 [error]") {
				t.Errorf("nginx message: %+v", msgs[1])
			}
			_, evs := rec.snapshot()
			if !errors.Is(firstMalformed(evs), ErrNoPRI) {
				t.Errorf("events %v: want a Malformed with ErrNoPRI", evs)
			}
			if l.Addr().Network() == "udp" && !strings.HasPrefix(firstMalformedRemote(evs), "127.0.0.1:") {
				t.Errorf("Malformed event without sender: %v", evs)
			}
		})
	}
}

func firstMalformed(evs []Event) error {
	for _, ev := range evs {
		if ev.Kind == Malformed {
			return ev.Err
		}
	}
	return nil
}

func firstMalformedRemote(evs []Event) string {
	for _, ev := range evs {
		if ev.Kind == Malformed {
			return ev.Remote
		}
	}
	return ""
}

// A datagram longer than MaxMessageBytes is cut, delivered and counted.
func TestListenerOversizedDatagram(t *testing.T) {
	for _, listen := range []string{"udp://127.0.0.1:0", "unixgram://" + filepath.Join(t.TempDir(), "s")} {
		l, rec := startListener(t, Config{Listen: listen, MaxMessageBytes: 100})
		c := dial(t, l)
		write(t, c, "<13>Nov 21 11:01:17 h t: "+strings.Repeat("x", 200))
		write(t, c, "<13>Nov 21 11:01:17 h t: short")
		msgs := rec.waitMessages(t, 2)
		rec.waitEvents(t, Truncated, 1)
		if len(msgs[0].Content) != 100-len("<13>Nov 21 11:01:17 h t: ") || msgs[1].Content != "short" {
			t.Errorf("%s: messages %+v", listen, msgs)
		}
		if n := rec.count(Truncated); n != 1 {
			t.Errorf("%s: %d Truncated events, want 1", listen, n)
		}
	}
}

func TestListenerPath(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "p.sock")
	for listen, want := range map[string]string{
		"udp://127.0.0.1:0":  "syslog://127.0.0.1:0",
		"tcp://127.0.0.1:0":  "syslog+tcp://127.0.0.1:0",
		"unixgram://" + sock: "syslog://" + sock,
	} {
		l, _ := startListener(t, Config{Listen: listen})
		if got := l.Path(); got != want {
			t.Errorf("Path() of %s = %q, want %q", listen, got, want)
		}
	}
}

func TestListenConfigErrors(t *testing.T) {
	rec := newRecorder()
	for _, cfg := range []Config{
		{Listen: "http://127.0.0.1:1"},
		{Listen: "udp://127.0.0.1:0", MaxMessageBytes: -1},
		{Listen: "udp://127.0.0.1:0", MaxMessageBytes: 1 << 30},
	} {
		if l, err := Listen(cfg, rec); err == nil {
			_ = l.Close()
			t.Errorf("Listen(%+v) succeeded", cfg)
		}
	}
	if _, err := Listen(Config{Listen: "udp://127.0.0.1:0"}, nil); err == nil {
		t.Error("Listen with nil Handler succeeded")
	}
	// The port is taken: the error says so.
	l, _ := startListener(t, Config{Listen: "tcp://127.0.0.1:0"})
	if _, err := Listen(Config{Listen: "tcp://" + l.Addr().String()}, rec); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("second Listen on %s: %v, want EADDRINUSE", l.Addr(), err)
	}
}

// A socket file left by a dead process is replaced; a live one or a
// regular file is not touched. Close removes the socket file.
func TestUnixgramSocketFile(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: stale, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close() // the file stays, nobody is bound
	l, _ := startListener(t, Config{Listen: "unixgram://" + stale})
	fi, err := os.Stat(stale)
	if err != nil || fi.Mode().Perm() != 0o666 {
		t.Errorf("socket file: %v, %v; want mode 0666", fi, err)
	}
	if _, err := Listen(Config{Listen: "unixgram://" + stale}, newRecorder()); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Listen on a live socket: %v, want EADDRINUSE", err)
	}
	if err := closeWithin(l, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file after Close: %v", err)
	}

	regular := filepath.Join(dir, "file")
	if err := os.WriteFile(regular, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := Listen(Config{Listen: "unixgram://" + regular}, newRecorder()); err == nil {
		_ = l.Close()
		t.Error("Listen replaced a regular file")
	}
	if b, _ := os.ReadFile(regular); string(b) != "keep" {
		t.Error("regular file changed")
	}
}

// Close is prompt, idempotent, and ends the serving goroutines.
func TestListenerCloseUDP(t *testing.T) {
	l, rec := startListener(t, Config{Listen: "udp://127.0.0.1:0"})
	c := dial(t, l)
	write(t, c, "<13>hello")
	rec.waitMessages(t, 1)
	start := time.Now()
	if err := closeWithin(l, waitTimeout); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestParseListenURL(t *testing.T) {
	ok := map[string][2]string{
		"udp://127.0.0.1:5514":    {"udp", "127.0.0.1:5514"},
		"UDP://127.0.0.1:5514":    {"udp", "127.0.0.1:5514"},
		"tcp://[::1]:5514":        {"tcp", "[::1]:5514"},
		"udp6://[::1]:0":          {"udp6", "[::1]:0"},
		"tcp4://:5514":            {"tcp4", ":5514"},
		"unixgram:///run/bg.sock": {"unixgram", "/run/bg.sock"},
	}
	for in, want := range ok {
		n, a, err := ParseListenURL(in)
		if err != nil || n != want[0] || a != want[1] {
			t.Errorf("ParseListenURL(%q) = %q, %q, %v; want %q", in, n, a, err, want)
		}
	}
	bad := map[string]string{
		"127.0.0.1:5514":                          "missing scheme",
		"http://127.0.0.1:5514":                   "unknown scheme",
		"unix:///run/x":                           "unknown scheme",
		"udp://127.0.0.1":                         "missing port",
		"tcp://[::1]":                             "missing port",
		"udp://127.0.0.1:":                        "missing port",
		"udp://127.0.0.1:syslog":                  "invalid port",
		"udp://127.0.0.1:70000":                   "invalid port",
		"udp://127.0.0.1:5514/x":                  "nothing after the port",
		"unixgram://run/bg.sock":                  "relative",
		"unixgram://":                             "missing socket path",
		"unixgram:///tmp/":                        "directory",
		"unixgram:///" + strings.Repeat("x", 200): "limit is 107",
	}
	for in, want := range bad {
		_, _, err := ParseListenURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseListenURL(%q) error %v, want it to mention %q", in, err, want)
		}
	}
}
