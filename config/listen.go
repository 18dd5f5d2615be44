package config

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

// listenNetwork checks the shape of a syslog listen URL (udp://HOST:PORT,
// tcp://HOST:PORT, unixgram:///PATH, also udp4, udp6, tcp4, tcp6) and
// returns its network. It accepts and refuses what syslog.ParseListenURL
// does, with the same words: a collector test checks that they agree.
func listenNetwork(s string) (string, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "", fmt.Errorf("syslog: listen %q: missing scheme: want udp://host:port, tcp://host:port or unixgram:///path", s)
	}
	var err error
	switch network := strings.ToLower(scheme); network {
	case "udp", "udp4", "udp6", "tcp", "tcp4", "tcp6":
		err = checkHostPort(rest)
	case "unixgram":
		err = checkUnixPath(rest)
	default:
		return "", fmt.Errorf("syslog: listen %q: unknown scheme %q: want udp, udp4, udp6, tcp, tcp4, tcp6 or unixgram", s, scheme)
	}
	if err != nil {
		return "", fmt.Errorf("syslog: listen %q: %w", s, err)
	}
	return strings.ToLower(scheme), nil
}

func checkHostPort(hp string) error {
	if strings.ContainsAny(hp, "/?#") {
		return errors.New("want host:port with nothing after the port")
	}
	host, port, err := net.SplitHostPort(hp)
	if err != nil && !strings.Contains(err.Error(), "missing port") {
		return err
	}
	if err != nil || port == "" {
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
