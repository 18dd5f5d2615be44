// Package listenurl parses the listen URLs of the syslog listener
// (udp://HOST:PORT, tcp://HOST:PORT, unixgram:///PATH). It is a leaf, so
// that package config checks a URL with the very code package syslog binds
// it with.
package listenurl

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
)

// maxUnixPath is the longest socket path Linux accepts (sun_path is 108
// bytes with its NUL).
const maxUnixPath = 107

// Parse parses a listen URL into the network and address of
// net.Listen/net.ListenPacket:
//
//	udp://127.0.0.1:5514    → "udp", "127.0.0.1:5514" (also udp4://, udp6://)
//	tcp://[::1]:5514        → "tcp", "[::1]:5514"     (also tcp4://, tcp6://)
//	udp://:5514             → all interfaces
//	unixgram:///run/bg.sock → "unixgram", "/run/bg.sock" (absolute path)
//
// The port is required and numeric; nothing may follow it.
func Parse(s string) (network, address string, err error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "", "", fmt.Errorf("syslog: listen %q: missing scheme: want udp://host:port, tcp://host:port or unixgram:///path", s)
	}
	network = strings.ToLower(scheme)
	switch network {
	case "udp", "udp4", "udp6", "tcp", "tcp4", "tcp6":
		if err := checkHostPort(rest); err != nil {
			return "", "", fmt.Errorf("syslog: listen %q: %w", s, err)
		}
		return network, rest, nil
	case "unixgram":
		if err := checkUnixPath(rest); err != nil {
			return "", "", fmt.Errorf("syslog: listen %q: %w", s, err)
		}
		return network, rest, nil
	}
	return "", "", fmt.Errorf("syslog: listen %q: unknown scheme %q: want udp, udp4, udp6, tcp, tcp4, tcp6 or unixgram", s, scheme)
}

func checkHostPort(hp string) error {
	if strings.ContainsAny(hp, "/?#") {
		return errors.New("want host:port with nothing after the port")
	}
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") {
			return fmt.Errorf("missing port in %q (e.g. 127.0.0.1:5514)", hp)
		}
		return err
	}
	if port == "" {
		return fmt.Errorf("missing port in %q (e.g. 127.0.0.1:5514)", hp)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("invalid port %q: want a number from 0 to 65535", port)
	}
	if strings.ContainsAny(host, " \t") {
		return fmt.Errorf("invalid host %q", host)
	}
	return nil
}

func checkUnixPath(p string) error {
	switch {
	case p == "":
		return errors.New("missing socket path: want unixgram:///absolute/path")
	case !filepath.IsAbs(p):
		return fmt.Errorf("socket path %q is relative: want unixgram:///absolute/path (three slashes)", p)
	case strings.HasSuffix(p, "/"):
		return fmt.Errorf("socket path %q is a directory", p)
	case len(p) > maxUnixPath:
		return fmt.Errorf("socket path is %d bytes long, the limit is %d", len(p), maxUnixPath)
	case strings.IndexByte(p, 0) >= 0:
		return errors.New("socket path contains a NUL byte")
	}
	return nil
}
