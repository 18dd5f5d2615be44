package discover

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// haNoArg are the server settings that take no value (configuration.txt
// §5.2); every other setting takes one, except `source`.
var haNoArg = map[string]bool{
	"agent-check": true, "allow-0rtt": true, "backup": true, "check": true, "check-send-proxy": true,
	"check-ssl": true, "check-via-socks4": true, "disabled": true, "enabled": true, "force-sslv3": true,
	"force-tlsv10": true, "force-tlsv11": true, "force-tlsv12": true, "force-tlsv13": true,
	"non-stick": true, "send-proxy": true, "send-proxy-v2": true, "send-proxy-v2-ssl": true,
	"send-proxy-v2-ssl-cn": true, "ssl": true, "ssl-reuse": true, "stick": true, "tfo": true, "tls-tickets": true,
}

// haServer is the settings of one server after default-server.
type haServer struct {
	check, ssl, checkSSL, noCheckSSL, disabled bool
	values                                     map[string]string // addr, port, verify, ca-file, sni, check-sni, verifyhost …
}

func parseServerSettings(params []string) haServer {
	s := haServer{values: map[string]string{}}
	for i := 0; i < len(params); i++ {
		p := params[i]
		switch {
		case p == "check":
			s.check = true
		case p == "no-check":
			s.check = false
		case p == "ssl":
			s.ssl = true
		case p == "no-ssl":
			s.ssl = false
		case p == "check-ssl":
			s.checkSSL, s.noCheckSSL = true, false
		case p == "no-check-ssl":
			s.checkSSL, s.noCheckSSL = false, true
		case p == "disabled":
			s.disabled = true
		case p == "enabled":
			s.disabled = false
		case haNoArg[p] || strings.HasPrefix(p, "no-"):
		case p == "source": // source ADDR [usesrc X] [interface Y]
			for i += 2; i+1 < len(params) && (params[i] == "usesrc" || params[i] == "interface"); i += 2 {
			}
			i--
		case i+1 < len(params):
			s.values[p] = params[i+1]
			i++
		}
	}
	return s
}

// backend makes the targets of a backend or listen section.
func (h *haDiscovery) backend(b *haProxySettings) {
	for _, sl := range b.servers {
		l := sl.line
		what := strings.Join(l.words, " ")
		skip := func(format string, args ...any) {
			h.unprobeable = append(h.unprobeable, Unprobeable{Where: l.where, What: what, Reason: fmt.Sprintf(format, args...)})
		}
		if len(l.words) < 3 || (l.words[0] == "server-template" && len(l.words) < 4) {
			skip("no address")
			continue
		}
		names, address, params := []string{l.words[1]}, l.words[2], l.words[3:]
		if l.words[0] == "server-template" {
			var reason string
			if names, reason = templateNames(l.words[1], l.words[2], l.words[3]); reason != "" {
				skip("%s", reason)
				continue
			}
			address, params = l.words[3], l.words[4:]
		}
		s := parseServerSettings(append(slices.Clone(sl.defaults), params...))
		switch {
		case b.disabled:
			skip("backend %s is disabled", b.name)
			continue
		case s.disabled:
			skip("disabled: in maintenance from the configuration")
			continue
		case l.env:
			skip("uses an environment variable, which only HAProxy's environment knows")
			continue
		}
		t, reason := h.serverTarget(b, s, address)
		if reason != "" {
			skip("%s", reason)
			continue
		}
		for _, name := range names {
			t.Upstream, t.Group, t.Proxy, t.Where = b.name+"/"+name, b.name, "haproxy", l.where
			t.Params = slices.Clone(params)
			h.targets = append(h.targets, t)
		}
	}
}

// templateNames are the servers a server-template with an IP address
// makes (PREFIX1…PREFIXn, or the range "a-b"). With a name, HAProxy fills
// the servers from DNS answers at run time: they cannot be known here.
func templateNames(prefix, count, address string) ([]string, string) {
	if _, host, _, _ := haAddress(address); net.ParseIP(host) == nil {
		return nil, "server-template with a name: the servers come from DNS at run time"
	}
	lo, hi, isRange := strings.Cut(count, "-")
	if !isRange {
		lo, hi = "1", count
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a < 0 || b < a || b-a >= 1024 {
		return nil, fmt.Sprintf("bad server-template count %q", count)
	}
	var names []string
	for i := a; i <= b; i++ {
		names = append(names, prefix+strconv.Itoa(i))
	}
	return names, ""
}

// serverTarget is what to probe for a server, or why it cannot be.
func (h *haDiscovery) serverTarget(b *haProxySettings, s haServer, address string) (probe.Target, string) {
	network, host, port, reason := haAddress(address)
	if reason != "" {
		return probe.Target{}, reason
	}
	useTLS, sni, verifyName := s.ssl, "", s.values["verifyhost"]
	if v, ok := strings.CutPrefix(s.values["sni"], "str("); ok && strings.HasSuffix(v, ")") {
		sni = strings.TrimSuffix(v, ")")
	}
	module := probe.ModuleTCP
	var httpOpts probe.HTTPOptions
	if s.check {
		if a := s.values["addr"]; a != "" && network == "tcp" {
			host = a
		}
		if p := s.values["port"]; p != "" {
			port = p
		}
		moved := s.values["addr"] != "" || s.values["port"] != ""
		useTLS = s.checkSSL || (s.ssl && !moved && !s.noCheckSSL)
		sni = s.values["check-sni"]
		if b.check.kind == "http" {
			module = probe.ModuleHTTP
			httpOpts = probe.HTTPOptions{Method: b.check.method, Path: b.check.uri, Host: b.check.host, Expect: b.check.expect}
		}
	}
	if verifyName == "" {
		verifyName = sni
	}
	if network == "tcp" {
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 || port[0] == '+' {
			return probe.Target{}, fmt.Sprintf("no usable port (%q): HAProxy connects to the client's port; give `port` for checks", port)
		}
	}
	t := probe.Target{Address: "unix:" + host, Module: module, HTTP: httpOpts}
	if network == "tcp" {
		t.Address = joinHostPort(host, port)
	}
	if useTLS {
		verify := s.values["verify"]
		if verify == "" {
			verify = h.verify
		}
		t.TLS = &probe.TLSOptions{ServerName: sni, VerifyName: verifyName, InsecureSkipVerify: verify == "none", CAFile: h.caFile(s.values["ca-file"])}
		if module == probe.ModuleTCP {
			t.Module = probe.ModuleTLS
		}
	}
	return t, ""
}

// haAddress reads a server address: [ipv4@|ipv6@]host[:port], unix@/path
// or /path, abns@name. port is "" or a relative/ranged port when unusable.
func haAddress(a string) (network, host, port, reason string) {
	if family, rest, ok := strings.Cut(a, "@"); ok {
		switch family {
		case "ipv4", "ipv6":
			a = rest
		case "unix":
			return "unix", rest, "", ""
		case "abns":
			return "unix", "@" + rest, "", ""
		default:
			return "", "", "", fmt.Sprintf("address family %s@ cannot be probed", family)
		}
	}
	if strings.HasPrefix(a, "/") {
		return "unix", a, "", ""
	}
	if strings.HasPrefix(a, "[") {
		h, p, ok := strings.Cut(a[1:], "]")
		if !ok {
			return "", "", "", fmt.Sprintf("cannot parse the address %q", a)
		}
		return "tcp", h, strings.TrimPrefix(p, ":"), ""
	}
	if i := strings.LastIndexByte(a, ':'); i >= 0 {
		return "tcp", a[:i], a[i+1:], ""
	}
	return "tcp", a, "", ""
}
