package syslog

import (
	"strings"

	"github.com/badgateway/badgateway_exporter/internal/listenurl"
)

// ParseListenURL parses a listen URL into the network and address of
// net.Listen/net.ListenPacket; see listenurl.Parse.
func ParseListenURL(s string) (network, address string, err error) { return listenurl.Parse(s) }

// pathLabel is the self-metrics path label of a listener:
// "syslog://127.0.0.1:5514" for UDP, "syslog+tcp://127.0.0.1:5514" for TCP
// (a TCP and a UDP listener may share a port), "syslog:///run/bg.sock" for
// a unix socket.
func pathLabel(network, address string) string {
	if strings.HasPrefix(network, "tcp") {
		return "syslog+tcp://" + address
	}
	return "syslog://" + address
}
