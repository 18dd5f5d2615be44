package discover

import (
	"net"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// apacheScheme is how Apache speaks to a backend URL's scheme: the probe
// module, TLS, and the port when the URL has none.
type apacheScheme struct {
	module probe.Module
	tls    bool
	port   string
}

var apacheSchemes = map[string]apacheScheme{
	"http":  {probe.ModuleHTTP, false, "80"},
	"https": {probe.ModuleHTTP, true, "443"},
	"h2c":   {probe.ModuleTCP, false, "80"},
	"h2":    {probe.ModuleTLS, true, "443"},
	"ws":    {probe.ModuleHTTP, false, "80"},
	"wss":   {probe.ModuleHTTP, true, "443"},
	"fcgi":  {probe.ModuleTCP, false, "8000"},
	"scgi":  {probe.ModuleTCP, false, "4000"},
	"uwsgi": {probe.ModuleTCP, false, "3031"},
	"ajp":   {probe.ModuleTCP, false, "8009"},
}

// url makes a target of a backend URL written in directive d.
func (a *apacheDiscovery) url(d *apacheDirective, raw, group string, params []string) {
	socket := ""
	if rest, ok := strings.CutPrefix(raw, "unix:"); ok {
		path, backend, ok := strings.Cut(rest, "|")
		if !ok || path == "" {
			a.skip(d, "a unix: URL needs a socket path and |scheme://...")
			return
		}
		socket, raw = "unix:"+path, backend
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	kind, known := apacheSchemes[strings.ToLower(scheme)]
	if !ok || !known {
		a.skip(d, "unknown scheme in %q", raw)
		return
	}
	hostport, _, _ := strings.Cut(rest, "/")
	if i := strings.Index(hostport, "${"); i >= 0 {
		name, _, _ := strings.Cut(hostport[i:], "}")
		a.skip(d, "the host uses %s}, which no Define (nor -D) sets", name)
		return
	}
	if strings.ContainsAny(hostport, "$%") {
		a.skip(d, "the host comes from a regex capture or a variable: Apache builds it for each request")
		return
	}
	t := probe.Target{Module: kind.module, Group: group, Proxy: "apache", Where: d.where(), Params: params}
	host, port, ok := hostPort(hostport)
	switch {
	case socket != "":
		t.Address = socket
		if hostport == "" {
			hostport = "localhost"
		}
	case !ok:
		a.skip(d, "cannot parse the address %q", hostport)
		return
	case port == "":
		t.Address = joinHostPort(host, kind.port)
	default:
		t.Address = joinHostPort(host, port)
	}
	if t.Module == probe.ModuleHTTP {
		t.HTTP = a.opts.httpOptions(hostport)
	}
	if kind.tls {
		t.TLS = a.tlsOptions(d, host)
	}
	a.targets = append(a.targets, t)
}

// tlsOptions follow mod_ssl's proxy defaults: SNI with the backend's host
// name (not an IP address), no verification unless SSLProxyVerify require,
// SSLProxyCACertificateFile as the CA.
func (a *apacheDiscovery) tlsOptions(at *apacheDirective, host string) *probe.TLSOptions {
	o := &probe.TLSOptions{VerifyName: host, InsecureSkipVerify: true}
	if net.ParseIP(host) == nil {
		o.ServerName = host
	}
	if d := a.lookup(at, "sslproxyverify"); d != nil && strings.EqualFold(d.arg(0), "require") {
		o.InsecureSkipVerify = false
		if ca := a.lookup(at, "sslproxycacertificatefile"); ca != nil {
			o.CAFile = ca.arg(0)
		}
	}
	return o
}

// lookup is the last directive called name in effect where at is: at top
// level, or in the virtual host at is in.
func (a *apacheDiscovery) lookup(at *apacheDirective, name string) *apacheDirective {
	vhost := virtualHost(at)
	var found *apacheDirective
	for _, d := range a.ds {
		if d.name == name && (len(d.sections) == 0 || (vhost != "" && virtualHost(d) == vhost && d.file == at.file)) {
			found = d
		}
	}
	return found
}

func virtualHost(d *apacheDirective) string {
	for _, s := range d.sections {
		if strings.HasPrefix(s, "virtualhost") {
			return s
		}
	}
	return ""
}
