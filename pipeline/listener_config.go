package pipeline

import (
	"io/fs"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/syslog"
)

// listenerConfig returns the settings of a listener for syslog.Listen
// (without Logger).
func listenerConfig(s config.SyslogConfig) syslog.Config {
	c := syslog.Config{
		Listen: s.Listen, MaxMessageBytes: s.MaxMessageBytes, MaxConnections: s.MaxConnections,
		IdleTimeout: s.IdleTimeout, ReadBuffer: s.ReadBufferBytes, SocketMode: fs.FileMode(s.SocketMode),
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = -1 // never
	}
	if c.ReadBuffer == 0 {
		c.ReadBuffer = -1 // the system's default
	}
	return c
}
