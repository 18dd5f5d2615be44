package discover

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// NginxFile discovers from an nginx.conf and its includes.
func NginxFile(path string, o Options) ([]probe.Target, []Unprobeable, error) {
	cfg, err := nginxconf.Load(path)
	if err != nil {
		return nil, nil, err
	}
	ts, us := Nginx(cfg, o)
	return ts, us, nil
}

// NginxBinary discovers from the output of `binary -T args...`, which is
// what the running nginx would load.
func NginxBinary(ctx context.Context, binary string, args []string, o Options) ([]probe.Target, []Unprobeable, error) {
	cfg, err := nginxconf.Dump(ctx, binary, args...)
	if err != nil {
		return nil, nil, err
	}
	ts, us := Nginx(cfg, o)
	return ts, us, nil
}

// Nginx finds the upstreams of a parsed nginx configuration: the servers
// of every upstream block (http and stream), and the addresses that
// proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass and
// memcached_pass name directly. A group used over https (grpcs, suwsgi, or
// a stream with proxy_ssl on) is probed with TLS, with nginx's
// proxy_ssl_verify, proxy_ssl_server_name, proxy_ssl_name and
// proxy_ssl_trusted_certificate; an HTTP group with the http module and
// nginx's Host header ($proxy_host); the others with a TCP connect.
func Nginx(cfg *nginxconf.Config, o Options) ([]probe.Target, []Unprobeable) {
	n := &nginxDiscovery{cfg: cfg, opts: o, groups: map[string]*nginxGroup{}}
	for _, top := range cfg.Directives {
		if top.Name != "http" && top.Name != "stream" {
			continue
		}
		for _, d := range nginxconf.Find(top.Block, "upstream") {
			g := &nginxGroup{name: d.Arg(0), ctx: top.Name, d: d}
			n.groups[top.Name+" "+strings.ToLower(g.name)] = g
			n.order = append(n.order, g)
		}
	}
	cfg.Walk(func(d *nginxconf.Directive, parents []*nginxconf.Directive) bool {
		if len(parents) == 0 {
			return true
		}
		ctx := parents[0].Name
		if _, ok := passKinds[d.Name]; (ok && ctx == "http") || (d.Name == "proxy_pass" && ctx == "stream") {
			n.pass(d, parents, ctx)
		}
		return true
	})
	for _, g := range n.order {
		n.groupTargets(g)
	}
	return dedupe(n.targets), n.unprobeable
}

type nginxDiscovery struct {
	cfg         *nginxconf.Config
	opts        Options
	groups      map[string]*nginxGroup // "http name" or "stream name", lower case
	order       []*nginxGroup
	targets     []probe.Target
	unprobeable []Unprobeable
}

// nginxGroup is an upstream block and how the first directive that passes
// to it speaks to its servers.
type nginxGroup struct {
	name, ctx string
	d         *nginxconf.Directive
	use       *nginxUse
}

// nginxUse is how a pass directive speaks to its upstream.
type nginxUse struct {
	module probe.Module
	tls    *probe.TLSOptions
	host   string // Host header
}

func (n *nginxDiscovery) skip(d *nginxconf.Directive, format string, args ...any) {
	n.unprobeable = append(n.unprobeable, Unprobeable{Where: d.Where(), What: d.String(), Reason: fmt.Sprintf(format, args...)})
}

// groupTargets makes a target of each server of an upstream block.
func (n *nginxDiscovery) groupTargets(g *nginxGroup) {
	use := g.use
	if use == nil { // no pass directive uses it: a connect tells it is up
		use = &nginxUse{module: probe.ModuleTCP}
	}
	for _, d := range nginxconf.Find(g.d.Block, "server") {
		params := d.Args[1:]
		switch {
		case slices.Contains(params, "down"):
			n.skip(d, "marked down: nginx sends it no traffic")
			continue
		case slices.ContainsFunc(params, func(p string) bool { return strings.HasPrefix(p, "service=") }):
			n.skip(d, "service=: the addresses come from DNS SRV records at run time")
			continue
		}
		addr, err := nginxServerAddress(d.Arg(0), g.ctx)
		if err != nil {
			n.skip(d, "%v", err)
			continue
		}
		n.targets = append(n.targets, n.target(addr, g.name, use, d, params))
	}
}

func (n *nginxDiscovery) target(addr, group string, use *nginxUse, d *nginxconf.Directive, params []string) probe.Target {
	t := probe.Target{Address: addr, Module: use.module, Group: group, Proxy: "nginx", TLS: use.tls,
		Where: d.Where(), Params: slices.Clone(params)}
	if t.Module == probe.ModuleHTTP {
		t.HTTP = n.opts.httpOptions(use.host)
	}
	return t
}

// nginxServerAddress turns the address of a server line into a target
// address: "unix:/path", or host:port with port 80 by default in http.
func nginxServerAddress(a, ctx string) (string, error) {
	if path, ok := strings.CutPrefix(a, "unix:"); ok {
		if path == "" {
			return "", fmt.Errorf("no socket path in %q", a)
		}
		return "unix:" + path, nil
	}
	host, port, ok := hostPort(a)
	switch {
	case !ok:
		return "", fmt.Errorf("cannot parse the address %q", a)
	case port == "" && ctx == "stream":
		return "", fmt.Errorf("no port in %q", a)
	case port == "":
		port = "80"
	}
	return joinHostPort(host, port), nil
}
