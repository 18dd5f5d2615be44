// Package discover finds the upstreams to probe in proxy configurations:
// nginx (its config files with their includes, or the output of `nginx
// -T`), HAProxy (haproxy.cfg) and Apache httpd (httpd.conf with its
// includes). It labels each target the way the logs
// name the same upstream, so that probe and log metrics join in PromQL:
// nginx and Apache peers by address (each resolved "IP:port", or "unix:/path"),
// HAProxy servers as "backend/server".
//
// What cannot be probed (a proxy_pass built from variables, a server
// marked down or disabled, a port that depends on the client) is returned
// as Unprobeable, with the reason, for the log and the status page.
//
// It only reads configurations: when and how often, and the probing
// itself, are package probe/runner's job.
package discover

import (
	"net"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// Unprobeable is a configured upstream that cannot be probed, and why.
type Unprobeable = probe.Unprobeable

// Options say how discovered targets are probed.
type Options struct {
	// HTTPPath is the path nginx HTTP peers are probed at; default "/".
	HTTPPath string
	// HTTPExpect is the statuses that pass; default 200-499: the peer
	// answered HTTP, and only a 5xx is the upstream's failure.
	HTTPExpect []probe.StatusRange
}

func (o Options) httpOptions(host string) probe.HTTPOptions {
	h := probe.HTTPOptions{Path: o.HTTPPath, Expect: o.HTTPExpect, Host: host}
	if h.Path == "" {
		h.Path = "/"
	}
	if len(h.Expect) == 0 {
		h.Expect = []probe.StatusRange{{Lo: 200, Hi: 499}}
	}
	return h
}

// dedupe drops targets that repeat an earlier one (the same peer behind
// several locations), keeping the first.
func dedupe(ts []probe.Target) []probe.Target {
	seen := make(map[string]bool, len(ts))
	out := ts[:0]
	for _, t := range ts {
		if k := t.Key(); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// hostPort splits "host:port", "[v6]:port", "[v6]", "v4" or "name";
// port is "" when there is none.
func hostPort(s string) (host, port string, ok bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		host, rest := s[1:end], s[end+1:]
		if rest == "" {
			return host, "", true
		}
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		return host, rest[1:], validPort(rest[1:])
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", s != ""
	}
	if strings.Count(s, ":") > 1 { // a bare IPv6 address
		return s, "", net.ParseIP(s) != nil
	}
	return s[:i], s[i+1:], s[:i] != "" && validPort(s[i+1:])
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536
}

// joinHostPort is net.JoinHostPort.
func joinHostPort(host, port string) string { return net.JoinHostPort(host, port) }
