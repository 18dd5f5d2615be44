package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/badgateway/badgateway_exporter/syslog"
)

// SyslogConfig is one built-in syslog listener, so that HAProxy (which logs
// only to syslog) and nginx (`error_log syslog:server=…`) need no rsyslog.
type SyslogConfig struct {
	// Listen is udp://HOST:PORT, tcp://HOST:PORT or unixgram:///PATH.
	Listen string `yaml:"listen"`
	// Routes map a syslog program name (tag) to the format of its
	// messages: nginx_error or haproxy. Default {haproxy: haproxy, nginx: nginx_error}.
	Routes map[string]Format `yaml:"routes"`
	// MaxMessageBytes truncates longer messages (default 64 KiB).
	MaxMessageBytes int `yaml:"max_message_bytes"`
}

// SetDefaults fills the defaults; routes given in the file replace the
// default routes (validate fills them when none are given).
func (s *SyslogConfig) SetDefaults() { s.MaxMessageBytes = 64 << 10 }

func defaultRoutes() map[string]Format {
	routes := map[string]Format{}
	for tag, f := range syslog.DefaultRoutes() {
		routes[tag] = Format(f)
	}
	return routes
}

func (s *SyslogConfig) validate() (string, error) {
	if s.Listen == "" {
		return "listen", fmt.Errorf("missing: give udp://HOST:PORT, tcp://HOST:PORT or unixgram:///PATH")
	}
	if _, _, err := syslog.ParseListenURL(s.Listen); err != nil {
		return "listen", err
	}
	if s.Routes == nil {
		s.Routes = defaultRoutes()
	}
	if len(s.Routes) == 0 {
		return "routes", fmt.Errorf("empty: nothing would be read")
	}
	for _, tag := range slices.Sorted(maps.Keys(s.Routes)) {
		if f := s.Routes[tag]; f != FormatNginxError && f != FormatHAProxy {
			return "routes", fmt.Errorf("tag %q: format %s cannot be read from syslog (use %s or %s)", tag, f, FormatNginxError, FormatHAProxy)
		}
	}
	if s.MaxMessageBytes < 480 {
		return "max_message_bytes", fmt.Errorf("must be at least 480 (RFC 3164), got %d", s.MaxMessageBytes)
	}
	return "", nil
}

// Key identifies a listener's settings: equal keys need no restart on reload.
func (s SyslogConfig) Key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d", s.Listen, s.MaxMessageBytes)
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
