package checklist

import (
	"net/url"
	"strings"

	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// urlUpstreams are the labels of the upstreams nginx passes a request for
// rawURL to, when that can be told without evaluating the configuration:
// the server blocks that listen on the URL's port hold prefix or exact
// locations only (a regex location may win over a prefix), and the longest
// location matching the path has a proxy_pass. ok is false otherwise.
func urlUpstreams(in *Inputs, rawURL string) (labels []string, ok bool) {
	if in == nil {
		return nil, false
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	var best *nginxconf.Directive // the proxy_pass of the best location
	bestLen, exact, regex := -1, false, false
	for _, p := range in.Proxies {
		if p.Nginx == nil {
			continue
		}
		for _, srv := range blocksNamed(p.Nginx.Directives, "http", "server") {
			if !listensOn(srv, port) {
				continue
			}
			(&nginxconf.Config{Directives: srv.Block}).Walk(func(d *nginxconf.Directive, parents []*nginxconf.Directive) bool {
				if d.Name == "location" {
					regex = regex || d.Arg(0) == "~" || d.Arg(0) == "~*"
					return true
				}
				if d.Name != "proxy_pass" || len(parents) == 0 || parents[len(parents)-1].Name != "location" {
					return true
				}
				loc := parents[len(parents)-1]
				prefix, isExact := loc.Arg(0), false
				switch prefix {
				case "=":
					prefix, isExact = loc.Arg(1), true
				case "^~":
					prefix = loc.Arg(1)
				}
				switch {
				case isExact && path == prefix:
					best, bestLen, exact = d, len(prefix), true
				case !isExact && !exact && strings.HasPrefix(path, prefix) && len(prefix) > bestLen:
					best, bestLen = d, len(prefix)
				}
				return true
			})
		}
	}
	if regex || best == nil {
		return nil, false
	}
	host, pport := passHost(best.Arg(0))
	for _, t := range in.Targets {
		if (t.Group != "" && pport == "" && strings.EqualFold(host, t.Group)) || t.Where == best.Where() {
			labels = append(labels, upstreamName(t))
		}
	}
	return labels, len(labels) > 0
}

// blocksNamed are the blocks reached by the path of names (http, then
// server) from ds.
func blocksNamed(ds []*nginxconf.Directive, names ...string) []*nginxconf.Directive {
	var out []*nginxconf.Directive
	for _, d := range ds {
		if d.Name != names[0] {
			continue
		}
		if len(names) == 1 {
			out = append(out, d)
			continue
		}
		out = append(out, blocksNamed(d.Block, names[1:]...)...)
	}
	return out
}

// listensOn reports whether a server block has a listen directive on port
// (or none, which is port 80).
func listensOn(srv *nginxconf.Directive, port string) bool {
	hasListen := false
	for _, d := range srv.Block {
		if d.Name != "listen" {
			continue
		}
		hasListen = true
		a := d.Arg(0)
		if a == port || strings.HasSuffix(a, ":"+port) {
			return true
		}
	}
	return !hasListen && port == "80"
}
