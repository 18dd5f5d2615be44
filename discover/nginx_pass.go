package discover

import (
	"path/filepath"
	"strings"

	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// passKind describes an http-context pass directive: its directive prefix
// (proxy_ssl_verify, grpc_ssl_verify …), its URL schemes and whether each
// means TLS, and its default ports.
type passKind struct {
	prefix  string
	schemes map[string]bool // scheme → TLS; nil: no scheme allowed
	http    bool            // speaks HTTP/1.x: probe with the http module
	ports   map[string]string
}

var passKinds = map[string]passKind{
	"proxy_pass":     {prefix: "proxy", schemes: map[string]bool{"http": false, "https": true}, http: true, ports: map[string]string{"http": "80", "https": "443"}},
	"grpc_pass":      {prefix: "grpc", schemes: map[string]bool{"grpc": false, "grpcs": true, "": false}, ports: map[string]string{"grpc": "80", "grpcs": "443"}},
	"uwsgi_pass":     {prefix: "uwsgi", schemes: map[string]bool{"uwsgi": false, "suwsgi": true, "": false}},
	"fastcgi_pass":   {prefix: "fastcgi"},
	"scgi_pass":      {prefix: "scgi"},
	"memcached_pass": {prefix: "memcached"},
}

// uriVariables are variables that, written right after host[:port], can
// only be the URI: the address itself is static.
var uriVariables = []string{"$request_uri", "$uri", "$document_uri", "$is_args", "$args", "$query_string"}

// pass records what a pass directive connects to: an upstream group, or a
// bare address.
func (n *nginxDiscovery) pass(d *nginxconf.Directive, parents []*nginxconf.Directive, ctx string) {
	kind := passKinds[d.Name]
	if ctx == "stream" {
		kind = passKind{prefix: "proxy"}
	}
	arg := d.Arg(0)
	scheme, rest, hasScheme := strings.Cut(arg, "://")
	if !hasScheme {
		scheme, rest = "", arg
	}
	useTLS, known := kind.schemes[scheme]
	if kind.schemes == nil {
		known = !hasScheme
	}
	if !known {
		n.skip(d, "unknown scheme %q", scheme)
		return
	}
	if ctx == "stream" {
		useTLS = flag(n.cfg, parents, "proxy_ssl")
	}
	if p, ok := strings.CutPrefix(rest, "unix:"); ok {
		if path, _, _ := strings.Cut(p, ":"); !strings.Contains(path, "$") && path != "" {
			use := n.use(kind, useTLS, parents, "localhost")
			n.targets = append(n.targets, n.target("unix:"+path, "", use, d, nil))
			return
		}
	}
	hostport, _, _ := strings.Cut(rest, "/")
	if i := strings.IndexByte(hostport, '$'); i >= 0 {
		if i == 0 || !hasURIVariable(hostport[i:]) {
			n.skip(d, "built from variables (%s): nginx resolves it for each request", hostport[i:])
			return
		}
		hostport = hostport[:i]
	}
	host, port, ok := hostPort(hostport)
	if !ok {
		n.skip(d, "cannot parse the address %q", hostport)
		return
	}
	if g := n.groups[ctx+" "+strings.ToLower(host)]; g != nil && port == "" {
		if g.use == nil {
			g.use = n.use(kind, useTLS, parents, host)
		}
		return
	}
	proxyHost := hostport
	if port == "" {
		if port = kind.ports[scheme]; port == "" {
			n.skip(d, "no port in %q", hostport)
			return
		}
	}
	use := n.use(kind, useTLS, parents, proxyHost)
	n.targets = append(n.targets, n.target(joinHostPort(host, port), "", use, d, nil))
}

func hasURIVariable(s string) bool {
	for _, v := range uriVariables {
		if strings.HasPrefix(s, v) {
			return true
		}
	}
	return false
}

// use is how a pass directive at parents speaks to its upstream;
// proxyHost is nginx's $proxy_host (the group name or host[:port]).
func (n *nginxDiscovery) use(kind passKind, useTLS bool, parents []*nginxconf.Directive, proxyHost string) *nginxUse {
	u := &nginxUse{module: probe.ModuleTCP, host: proxyHost}
	switch {
	case kind.http:
		u.module = probe.ModuleHTTP
		if h := literalHostHeader(n.cfg, parents); h != "" {
			u.host = h
		}
	case useTLS:
		u.module = probe.ModuleTLS
	}
	if useTLS {
		u.tls = n.tlsOptions(kind.prefix, parents, proxyHost)
	}
	return u
}

// tlsOptions reads PREFIX_ssl_verify (off by default: nginx does not verify
// upstream certificates unless told), PREFIX_ssl_server_name (no SNI by
// default), PREFIX_ssl_name and PREFIX_ssl_trusted_certificate.
func (n *nginxDiscovery) tlsOptions(prefix string, parents []*nginxconf.Directive, proxyHost string) *probe.TLSOptions {
	name, _, ok := hostPort(proxyHost)
	if !ok {
		name = proxyHost
	}
	if d := nginxconf.Lookup(n.cfg.Directives, parents, prefix+"_ssl_name"); d != nil && !strings.Contains(d.Arg(0), "$") {
		name = d.Arg(0)
	}
	o := &probe.TLSOptions{VerifyName: name, InsecureSkipVerify: !flag(n.cfg, parents, prefix+"_ssl_verify")}
	if flag(n.cfg, parents, prefix+"_ssl_server_name") {
		o.ServerName = name
	}
	if d := nginxconf.Lookup(n.cfg.Directives, parents, prefix+"_ssl_trusted_certificate"); d != nil && !o.InsecureSkipVerify {
		o.CAFile = d.Arg(0)
		if !filepath.IsAbs(o.CAFile) {
			o.CAFile = filepath.Join(filepath.Dir(n.cfg.File), o.CAFile)
		}
	}
	return o
}

// flag reports whether an on|off directive is on where parents end.
func flag(cfg *nginxconf.Config, parents []*nginxconf.Directive, name string) bool {
	d := nginxconf.Lookup(cfg.Directives, parents, name)
	return d != nil && d.Arg(0) == "on"
}

// literalHostHeader is the value of `proxy_set_header Host VALUE` when it
// has no variable.
func literalHostHeader(cfg *nginxconf.Config, parents []*nginxconf.Directive) string {
	for _, d := range ProxySetHeaders(cfg, parents) {
		if strings.EqualFold(d.Arg(0), "Host") && !strings.Contains(d.Arg(1), "$") {
			return d.Arg(1)
		}
	}
	return ""
}

// ProxySetHeaders returns the proxy_set_header directives in force where
// parents end: as in nginx, the innermost level that sets any header
// decides, and the levels above are not inherited.
func ProxySetHeaders(cfg *nginxconf.Config, parents []*nginxconf.Directive) []*nginxconf.Directive {
	levels := [][]*nginxconf.Directive{cfg.Directives}
	for _, p := range parents {
		levels = append(levels, p.Block)
	}
	for i := len(levels) - 1; i >= 0; i-- {
		if sets := nginxconf.Find(levels[i], "proxy_set_header"); len(sets) > 0 {
			return sets
		}
	}
	return nil
}
