package config

import (
	"fmt"
	"path/filepath"
	"testing"
)

func TestInvalidSyslogSettings(t *testing.T) {
	for file, want := range map[string]string{
		"invalid-syslog-max-connections.yml":       "syslog[0].max_connections: must be 1 to 65536, got 0",
		"invalid-syslog-max-connections-udp.yml":   "syslog[0].max_connections: only for tcp:// listeners",
		"invalid-syslog-idle-timeout.yml":          "syslog[0].idle_timeout: must be 0 (never) or at least 1s, got 10ms",
		"invalid-syslog-idle-timeout-type.yml":     "syslog[0].idle_timeout: cannot unmarshal !!str `soon` into time.Duration",
		"invalid-syslog-idle-timeout-unixgram.yml": "syslog[0].idle_timeout: only for tcp:// listeners",
		"invalid-syslog-read-buffer.yml":           "syslog[0].read_buffer_bytes: must be 0 (the system's default) or 4096 to 1073741824, got 100",
		"invalid-syslog-read-buffer-tcp.yml":       "syslog[0].read_buffer_bytes: only for udp:// listeners",
		"invalid-syslog-socket-mode.yml":           `syslog[0].socket_mode: "0680" is not a permission in octal, like 0660 (0 to 0777)`,
		"invalid-syslog-socket-mode-readonly.yml":  "syslog[0].socket_mode: 0440 lets no user but root write to the socket: give write permission (e.g. 0660)",
		"invalid-syslog-socket-mode-udp.yml":       "syslog[0].socket_mode: only for unixgram:// listeners",
		"invalid-syslog-socket-mode-list.yml":      "syslog[0].socket_mode: want octal permission bits like 0660, got a list",
	} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("no error")
			}
			// Every file has the offending field on its last line.
			line := map[string]int{"invalid-syslog-max-connections-udp.yml": 4}[file]
			if line == 0 {
				line = 3
			}
			if want := fmt.Sprintf("%s:%d: %s", path, line, want); err.Error() != want {
				t.Errorf("error:\n got  %s\n want %s", err, want)
			}
		})
	}
}

// A reload restarts a listener whose settings changed: each setting is
// part of its key.
func TestSyslogKeyCoversSettings(t *testing.T) {
	base := SyslogConfig{Listen: "tcp://127.0.0.1:5514"}
	base.SetDefaults()
	for name, change := range map[string]func(*SyslogConfig){
		"max_connections":   func(s *SyslogConfig) { s.MaxConnections++ },
		"idle_timeout":      func(s *SyslogConfig) { s.IdleTimeout = 0 },
		"read_buffer_bytes": func(s *SyslogConfig) { s.ReadBufferBytes = 0 },
		"socket_mode":       func(s *SyslogConfig) { s.SocketMode = 0o660 },
		"max_message_bytes": func(s *SyslogConfig) { s.MaxMessageBytes++ },
	} {
		changed := base
		change(&changed)
		if changed.Key() == base.Key() {
			t.Errorf("changing %s keeps the key %q", name, base.Key())
		}
	}
}

// Apache's `ErrorLog syslog:` messages (tag httpd, or apache2 on Debian)
// may be routed to the apache_error parser.
func TestSyslogRouteApacheError(t *testing.T) {
	c, err := Parse([]byte("syslog:\n  - listen: udp://127.0.0.1:5514\n    routes: {httpd: apache_error, apache2: apache_error, nginx: nginx_error}\n"), "apache.yml")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Syslog[0].RouteNames(); r["httpd"] != "apache_error" || r["apache2"] != "apache_error" || r["nginx"] != "nginx_error" {
		t.Errorf("routes = %v", r)
	}
}
