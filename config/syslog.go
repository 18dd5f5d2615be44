package config

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults of the syslog listener settings: those of package syslog (a
// collector test checks that they agree).
const (
	defaultSyslogMaxMessageBytes = 64 << 10
	defaultSyslogMaxConnections  = 256
	defaultSyslogIdleTimeout     = 10 * time.Minute
	defaultSyslogReadBufferBytes = 4 << 20
	defaultSyslogSocketMode      = FileMode(0o666)
)

// Bounds of the syslog listener settings.
const (
	maxSyslogConnections = 65536
	minIdleTimeout       = time.Second
	minReadBufferBytes   = 4096
	maxReadBufferBytes   = 1 << 30
)

// SyslogConfig is one built-in syslog listener, so that HAProxy (which logs
// only to syslog) and nginx (`error_log syslog:server=…`) need no rsyslog.
type SyslogConfig struct {
	// Listen is udp://HOST:PORT, tcp://HOST:PORT or unixgram:///PATH.
	Listen string `yaml:"listen"`
	// Routes map a syslog program name (tag) to the format of its
	// messages: nginx_error, haproxy or apache_error (Apache's `ErrorLog
	// syslog:local1` tags them httpd, or apache2 on Debian). Default
	// {haproxy: haproxy, nginx: nginx_error}.
	Routes map[string]Format `yaml:"routes"`
	// MaxMessageBytes truncates longer messages (default 64 KiB).
	MaxMessageBytes int `yaml:"max_message_bytes"`
	// MaxConnections bounds open TCP connections (tcp:// only, default
	// 256): a new one beyond it closes the connection idle for longest.
	MaxConnections int `yaml:"max_connections"`
	// IdleTimeout closes a TCP connection that sent nothing for so long
	// (tcp:// only, default 10m, 0: never).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// ReadBufferBytes is the UDP socket's receive buffer (udp:// only,
	// default 4 MiB, capped by the kernel's net.core.rmem_max; 0: the
	// system's default): datagrams wait there while one is handled.
	ReadBufferBytes int `yaml:"read_buffer_bytes"`
	// SocketMode is the permission of the socket file (unixgram:// only,
	// default 0666).
	SocketMode FileMode `yaml:"socket_mode"`
}

// FileMode is a permission written in octal: 0660, "0660" or 0o660 (never
// read as a decimal number).
type FileMode fs.FileMode

// UnmarshalYAML reads the mode's text as octal, whatever YAML makes of it.
func (m *FileMode) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("want octal permission bits like 0660, got %s", kindName(node))
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(node.Value, "0o"), 8, 32)
	if err != nil || v > 0o777 {
		return fmt.Errorf("%q is not a permission in octal, like 0660 (0 to 0777)", node.Value)
	}
	*m = FileMode(v)
	return nil
}

// String formats the mode as 0660.
func (m FileMode) String() string { return fmt.Sprintf("%#04o", uint32(m)) }

// SetDefaults fills the defaults; routes given in the file replace the
// default routes (validate fills them when none are given).
func (s *SyslogConfig) SetDefaults() {
	s.MaxMessageBytes = defaultSyslogMaxMessageBytes
	s.MaxConnections = defaultSyslogMaxConnections
	s.IdleTimeout = defaultSyslogIdleTimeout
	s.ReadBufferBytes = defaultSyslogReadBufferBytes
	s.SocketMode = defaultSyslogSocketMode
}

// defaultRoutes are the tag routes used when none are configured:
// HAProxy's default tag "haproxy" to the haproxy parser, nginx's tag (set
// with `error_log syslog:server=...,tag=nginx`) to nginx_error. "nginx" is
// also nginx's default tag for access_log syslog: too; give access logs
// another tag (e.g. tag=nginx_access) to keep them apart.
func defaultRoutes() map[string]Format {
	return map[string]Format{"haproxy": FormatHAProxy, "nginx": FormatNginxError}
}

func (s *SyslogConfig) validate() (string, error) {
	if s.Listen == "" {
		return "listen", fmt.Errorf("missing: give udp://HOST:PORT, tcp://HOST:PORT or unixgram:///PATH")
	}
	network, err := listenNetwork(s.Listen)
	if err != nil {
		return "listen", err
	}
	if s.Routes == nil {
		s.Routes = defaultRoutes()
	}
	if len(s.Routes) == 0 {
		return "routes", fmt.Errorf("empty: nothing would be read")
	}
	for _, tag := range slices.Sorted(maps.Keys(s.Routes)) {
		if f := s.Routes[tag]; f != FormatNginxError && f != FormatHAProxy && f != FormatApacheError {
			return "routes", fmt.Errorf("tag %q: format %s cannot be read from syslog (use %s, %s or %s)", tag, f, FormatNginxError, FormatHAProxy, FormatApacheError)
		}
	}
	if s.MaxMessageBytes < 480 {
		return "max_message_bytes", fmt.Errorf("must be at least 480 (RFC 3164), got %d", s.MaxMessageBytes)
	}
	return s.validateSocket(network)
}

// validateSocket checks the settings of one kind of socket, and that the
// others keep their defaults.
func (s *SyslogConfig) validateSocket(network string) (string, error) {
	tcp, udp := strings.HasPrefix(network, "tcp"), strings.HasPrefix(network, "udp")
	switch {
	case s.MaxConnections < 1 || s.MaxConnections > maxSyslogConnections:
		return "max_connections", fmt.Errorf("must be 1 to %d, got %d", maxSyslogConnections, s.MaxConnections)
	case !tcp && s.MaxConnections != defaultSyslogMaxConnections:
		return "max_connections", fmt.Errorf("only for tcp:// listeners")
	case s.IdleTimeout < 0 || (s.IdleTimeout > 0 && s.IdleTimeout < minIdleTimeout):
		return "idle_timeout", fmt.Errorf("must be 0 (never) or at least %v, got %v", minIdleTimeout, s.IdleTimeout)
	case !tcp && s.IdleTimeout != defaultSyslogIdleTimeout:
		return "idle_timeout", fmt.Errorf("only for tcp:// listeners")
	case s.ReadBufferBytes != 0 && (s.ReadBufferBytes < minReadBufferBytes || s.ReadBufferBytes > maxReadBufferBytes):
		return "read_buffer_bytes", fmt.Errorf("must be 0 (the system's default) or %d to %d, got %d", minReadBufferBytes, maxReadBufferBytes, s.ReadBufferBytes)
	case !udp && s.ReadBufferBytes != defaultSyslogReadBufferBytes:
		return "read_buffer_bytes", fmt.Errorf("only for udp:// listeners")
	case s.SocketMode&0o222 == 0:
		return "socket_mode", fmt.Errorf("%v lets no user but root write to the socket: give write permission (e.g. 0660)", s.SocketMode)
	case network != "unixgram" && s.SocketMode != defaultSyslogSocketMode:
		return "socket_mode", fmt.Errorf("only for unixgram:// listeners")
	}
	return "", nil
}

// Key identifies a listener's settings: equal keys need no restart on reload.
func (s SyslogConfig) Key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%d|%v|%d|%v", s.Listen, s.MaxMessageBytes, s.MaxConnections, s.IdleTimeout, s.ReadBufferBytes, s.SocketMode)
	for _, tag := range slices.Sorted(maps.Keys(s.Routes)) {
		fmt.Fprintf(&b, "|%s=%s", tag, s.Routes[tag])
	}
	return b.String()
}

// RouteNames returns the routes as plain strings, as package syslog takes them.
func (s SyslogConfig) RouteNames() map[string]string {
	out := make(map[string]string, len(s.Routes))
	for tag, f := range s.Routes {
		out[tag] = string(f)
	}
	return out
}
