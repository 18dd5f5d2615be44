package pipeline

import (
	"encoding/json"
	"io/fs"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/syslog"
)

func TestSyslogSettings(t *testing.T) {
	c, err := config.Parse([]byte(`syslog:
  - listen: tcp://127.0.0.1:5514
    max_connections: 1000
    idle_timeout: 0s
  - listen: udp://127.0.0.1:5514
    read_buffer_bytes: 0
  - listen: unixgram:///run/a.sock
    socket_mode: 0660
  - listen: unixgram:///run/b.sock
    socket_mode: "0620"
  - listen: unixgram:///run/c.sock
    socket_mode: 0o600
  - listen: udp://127.0.0.1:5515
`), "settings.yml")
	if err != nil {
		t.Fatal(err)
	}
	got := func(i int) syslog.Config { return listenerConfig(c.Syslog[i]) }
	if l := got(0); l.MaxConnections != 1000 || l.IdleTimeout >= 0 || l.ReadBuffer != syslog.DefaultReadBuffer {
		t.Errorf("tcp: %+v, want 1000 connections, no idle timeout (negative)", l)
	}
	if l := got(1); l.ReadBuffer >= 0 || l.MaxConnections != syslog.DefaultMaxConnections || l.IdleTimeout != syslog.DefaultIdleTimeout {
		t.Errorf("udp: %+v, want the system's receive buffer (negative) and the defaults", l)
	}
	for i, want := range map[int]fs.FileMode{2: 0o660, 3: 0o620, 4: 0o600, 5: syslog.DefaultSocketMode} {
		if l := got(i); l.SocketMode != want {
			t.Errorf("syslog[%d] socket mode %v, want %v", i, l.SocketMode, want)
		}
	}
	if l := got(5); l.ReadBuffer != syslog.DefaultReadBuffer || l.IdleTimeout != 10*time.Minute || l.MaxMessageBytes != syslog.DefaultMaxMessageBytes {
		t.Errorf("defaults: %+v", l)
	}
}

// Config keeps its own copy of package syslog's defaults (it imports no
// syslog): they must agree.
func TestSyslogDefaultsAgree(t *testing.T) {
	c, err := config.Parse([]byte("syslog:\n  - listen: unixgram:///run/bg.sock\n"), "d.yml")
	if err != nil {
		t.Fatal(err)
	}
	sc := c.Syslog[0]
	if sc.MaxMessageBytes != syslog.DefaultMaxMessageBytes || sc.MaxConnections != syslog.DefaultMaxConnections ||
		sc.IdleTimeout != syslog.DefaultIdleTimeout || sc.ReadBufferBytes != syslog.DefaultReadBuffer ||
		fs.FileMode(sc.SocketMode) != syslog.DefaultSocketMode {
		t.Errorf("config's syslog defaults %+v differ from package syslog's", sc)
	}
	if got := sc.RouteNames(); !maps.Equal(got, map[string]string{"haproxy": "haproxy", "nginx": "nginx_error"}) {
		t.Errorf("config's default routes %v", got)
	}
}

// Config checks listen URLs with the code syslog binds them with
// (internal/listenurl): it accepts what syslog.ParseListenURL accepts and
// refuses the rest with its words, located at the field.
func TestListenURLChecksAgree(t *testing.T) {
	for _, listen := range []string{
		"udp://127.0.0.1:5514", "udp4://127.0.0.1:0", "UDP6://[::1]:5514", "tcp://:5514", "TCP4://localhost:65535",
		"unixgram:///run/bg.sock", "unixgram:///" + strings.Repeat("a", 106), "unixgram:///" + strings.Repeat("a", 107),
		"127.0.0.1:5514", "http://127.0.0.1:5514", "udp://127.0.0.1", "udp://127.0.0.1:", "udp://127.0.0.1:65536",
		"udp://127.0.0.1:-1", "udp://127.0.0.1:80/x", "udp://127.0.0.1:80?x", "tcp://[::1:80", "tcp://a b:80", "tcp://a\tb:80",
		"tcp://1:2:3", "udp://", "unixgram://", "unixgram://run/bg.sock", "unixgram:///run/", "unixgram:///run/a\x00b",
		"://x", "udp:/127.0.0.1:5514", "udp://127.0.0.1:5514://x", "udp://%zz:1",
	} {
		_, _, want := syslog.ParseListenURL(listen)
		quoted, _ := json.Marshal(listen) // a YAML double-quoted scalar
		_, got := config.Parse([]byte("syslog:\n  - listen: "+string(quoted)+"\n"), "l.yml")
		switch {
		case (got == nil) != (want == nil):
			t.Errorf("listen %q: config says %v, syslog says %v", listen, got, want)
		case want != nil && got.Error() != "l.yml:2: syslog[0].listen: "+want.Error():
			t.Errorf("listen %q:\n config %v\n syslog %v", listen, got, want)
		}
	}
}
