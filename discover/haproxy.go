package discover

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// HAProxy finds the servers of every backend and listen section of an
// HAProxy configuration (a file, or a directory of *.cfg files), labelled
// "backend/server" as HAProxy logs them.
//
// A server with `check` is probed the way HAProxy checks it: at its `addr`
// and `port` when set, over TLS with check-ssl (or ssl, unless addr or port
// moves the check), with HTTP when the backend has `option httpchk`
// (method, URI, Host and `http-check expect status` honoured). A server
// without `check` gets a connect (and TLS handshake with ssl) to its traffic
// address. `verify none` (or global ssl-server-verify none) turns
// certificate verification off; ca-file, check-sni and verifyhost are used.
// Disabled servers and backends are not probed.
func HAProxy(path string) ([]probe.Target, []Unprobeable, error) {
	sections, err := readHAProxy(path)
	if err != nil {
		return nil, nil, err
	}
	h := &haDiscovery{verify: "required", named: map[string]*haProxySettings{}, dir: path}
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		h.dir = filepath.Dir(path)
	}
	var last *haProxySettings
	for _, s := range sections {
		switch s.kind {
		case "global":
			h.global(s)
		case "defaults": // starts afresh, unless `from` names another
			d := h.inherit(s, nil)
			d.apply(s, h)
			last = d
			if len(s.args) > 0 && s.args[0] != "from" {
				h.named[s.args[0]] = d
			}
		case "backend", "listen":
			b := h.inherit(s, last)
			b.name = s.args[0]
			b.apply(s, h)
			h.backend(b)
		}
	}
	return dedupe(h.targets), h.unprobeable, nil
}

type haDiscovery struct {
	dir         string // of the configuration, for relative ca-file paths
	verify      string // ssl-server-verify
	caBase      string
	named       map[string]*haProxySettings
	targets     []probe.Target
	unprobeable []Unprobeable
}

func (h *haDiscovery) global(s *haSection) {
	for _, l := range s.lines {
		switch {
		case l.words[0] == "ssl-server-verify" && len(l.words) > 1:
			h.verify = l.words[1]
		case l.words[0] == "ca-base" && len(l.words) > 1:
			h.caBase = l.words[1]
		}
	}
}

// inherit starts a section from the defaults it names with `from`, or else
// from the last defaults section before it.
func (h *haDiscovery) inherit(s *haSection, last *haProxySettings) *haProxySettings {
	from := last
	if i := slices.Index(s.args, "from"); i >= 0 && i+1 < len(s.args) {
		from = h.named[s.args[i+1]]
	}
	if from == nil {
		return &haProxySettings{check: haCheck{kind: "tcp"}}
	}
	c := *from
	c.defaultServer = slices.Clone(from.defaultServer)
	c.servers = nil
	c.disabled = false
	return &c
}

// haProxySettings is what a defaults, backend or listen section sets.
type haProxySettings struct {
	name          string
	defaultServer []string
	check         haCheck
	disabled      bool
	servers       []haServerLine
}

type haServerLine struct {
	line     haLine
	defaults []string // default-server parameters in force at that line
}

// haCheck is the check a backend runs: a TCP connect unless `option
// httpchk`.
type haCheck struct {
	kind              string // tcp, http or other
	method, uri, host string
	expect            []probe.StatusRange
}

// apply reads the lines of a section.
func (p *haProxySettings) apply(s *haSection, h *haDiscovery) {
	for _, l := range s.lines {
		w := l.words
		switch {
		case w[0] == "default-server":
			p.defaultServer = append(p.defaultServer, w[1:]...)
		case w[0] == "server" || w[0] == "server-template":
			p.servers = append(p.servers, haServerLine{line: l, defaults: slices.Clone(p.defaultServer)})
		case w[0] == "disabled":
			p.disabled = true
		case w[0] == "enabled":
			p.disabled = false
		case w[0] == "option" && len(w) > 1:
			p.check.option(w[1], w[2:])
		case w[0] == "no" && len(w) > 2 && w[1] == "option" && w[2] == "httpchk":
			p.check = haCheck{kind: "tcp"}
		case w[0] == "http-check" && len(w) > 1:
			p.check.httpCheck(w[1], w[2:])
		}
	}
}

func (c *haCheck) option(name string, args []string) {
	switch name {
	case "httpchk":
		*c = haCheck{kind: "http", method: "OPTIONS", uri: "/", expect: c.expect}
		switch len(args) {
		case 0:
		case 1:
			c.uri = args[0]
		default:
			c.method, c.uri = args[0], args[1]
			if len(args) > 2 { // "HTTP/1.1\r\nHost: www", the old way to add a header
				for _, h := range strings.Split(args[2], "\r\n")[1:] {
					if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(k, "host") {
						c.host = strings.TrimSpace(v)
					}
				}
			}
		}
	case "tcp-check", "ssl-hello-chk", "mysql-check", "pgsql-check", "redis-check", "smtpchk", "ldap-check", "spop-check", "external-check":
		*c = haCheck{kind: "other"}
	}
}

// httpCheck reads `http-check send meth M uri U hdr Host H` and
// `http-check expect status 200-399,404`.
func (c *haCheck) httpCheck(verb string, args []string) {
	switch verb {
	case "send":
		for i := 0; i+1 < len(args); i++ {
			switch args[i] {
			case "meth":
				c.method, i = args[i+1], i+1
			case "uri":
				c.uri, i = args[i+1], i+1
			case "hdr":
				if i+2 < len(args) && strings.EqualFold(args[i+1], "host") {
					c.host = args[i+2]
				}
				i += 2
			}
		}
	case "expect":
		if i := slices.Index(args, "status"); i >= 0 && i+1 < len(args) && !slices.Contains(args[:i], "!") {
			c.expect = parseStatusList(args[i+1])
		}
	}
}

func parseStatusList(s string) []probe.StatusRange {
	var out []probe.StatusRange
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		u, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil && l <= u {
			out = append(out, probe.StatusRange{Lo: l, Hi: u})
		}
	}
	return out
}

// caFile resolves a ca-file against ca-base, or else the configuration's
// directory; @system-ca means the system's roots.
func (h *haDiscovery) caFile(f string) string {
	switch {
	case f == "" || f == "@system-ca":
		return ""
	case filepath.IsAbs(f):
		return f
	case h.caBase != "":
		return filepath.Join(h.caBase, f)
	}
	return filepath.Join(h.dir, f)
}
