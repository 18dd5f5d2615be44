package discover

import (
	"fmt"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// ApacheFile finds the backends of an Apache httpd configuration (the file
// with its Include and IncludeOptional files): the URLs of ProxyPass,
// ProxyPassMatch and of the RewriteRules with the [P] (proxy) flag, and the
// BalancerMember lines of each balancer; `${NAME}` is replaced by the value
// of its Define. An http,
// https, ws or wss backend is probed with the http module (with TLS for
// https and wss) and the Host header Apache sends; fcgi, scgi, uwsgi, ajp
// and h2c backends with a TCP connect, h2 with a TLS handshake. A
// "unix:/path|http://..." URL is probed at the socket. Peers are labelled
// "host:port" or "unix:/path", as Apache's error log names them.
//
// A URL whose host comes from a regex capture ($1, %1), a variable
// (%{HTTP_HOST}) or an undefined ${NAME}, a RewriteRule [P] to a path, a
// balancer without members, and a member disabled or stopped (status=+D,
// +S) are returned as Unprobeable.
func ApacheFile(path string, o Options) ([]probe.Target, []Unprobeable, error) {
	ds, err := readApache(path)
	if err != nil {
		return nil, nil, err
	}
	ts, us := apache(ds, o)
	return ts, us, nil
}

type apacheDiscovery struct {
	ds          []*apacheDirective
	opts        Options
	members     map[string][]*apacheDirective // balancer name, lower case → its members
	targets     []probe.Target
	unprobeable []Unprobeable
}

func apache(ds []*apacheDirective, o Options) ([]probe.Target, []Unprobeable) {
	a := &apacheDiscovery{ds: ds, opts: o, members: map[string][]*apacheDirective{}}
	var order []string
	for _, d := range ds {
		if d.name != "balancermember" {
			continue
		}
		name, ok := enclosingBalancer(d)
		if !ok && strings.HasPrefix(strings.ToLower(d.arg(0)), "balancer://") && len(d.args) > 1 {
			name, d = balancerName(d.arg(0)), &apacheDirective{name: d.name, args: d.args[1:], file: d.file, line: d.line, sections: d.sections, text: d.text}
			ok = true
		}
		switch {
		case !ok:
			a.skip(d, "BalancerMember outside <Proxy balancer://...> and without a balancer:// URL")
			continue
		case len(d.args) == 0:
			a.skip(d, "BalancerMember without a URL")
			continue
		}
		if _, seen := a.members[name]; !seen {
			order = append(order, name)
		}
		a.members[name] = append(a.members[name], d)
	}
	used := map[string]bool{}
	for _, d := range ds {
		var url string
		var ok bool
		switch d.name {
		case "proxypass", "proxypassmatch":
			url, ok = passURL(d) // not: an exclusion (!), or a reverse-mapping only
		case "rewriterule":
			url, ok = a.rewriteProxyURL(d)
		}
		if !ok {
			continue
		}
		if name, isBalancer := strings.CutPrefix(strings.ToLower(url), "balancer://"); isBalancer {
			name = balancerName("balancer://" + name)
			if len(a.members[name]) == 0 {
				a.skip(d, "balancer://%s has no BalancerMember", name)
			}
			used[name] = true
			continue
		}
		a.url(d, url, "", nil)
	}
	for _, name := range order {
		for _, m := range a.members[name] {
			params := m.args[1:]
			if st := memberStatus(params); memberOff(st) {
				a.skip(m, "status=%s: Apache sends the member no traffic", st)
				continue
			}
			a.url(m, m.arg(0), "balancer://"+name, params)
		}
	}
	return dedupe(a.targets), a.unprobeable
}

func (a *apacheDiscovery) skip(d *apacheDirective, format string, args ...any) {
	a.unprobeable = append(a.unprobeable, Unprobeable{Where: d.where(), What: d.text, Reason: fmt.Sprintf(format, args...)})
}

// passURL is the backend URL of a ProxyPass or ProxyPassMatch: the second
// argument, or the first inside a <Location> (which gives the path).
func passURL(d *apacheDirective) (string, bool) {
	for _, arg := range d.args {
		if arg == "!" {
			return "", false
		}
		if strings.Contains(arg, "://") || strings.HasPrefix(arg, "unix:") {
			return arg, true
		}
	}
	return "", false
}

// enclosingBalancer is the name of the <Proxy balancer://name> d is in.
func enclosingBalancer(d *apacheDirective) (string, bool) {
	for i := len(d.sections) - 1; i >= 0; i-- {
		if url, ok := strings.CutPrefix(d.sections[i], "proxy "); ok && strings.HasPrefix(strings.ToLower(url), "balancer://") {
			return balancerName(url), true
		}
	}
	return "", false
}

// balancerName is the name in balancer://name[/path], lower case as Apache
// compares it.
func balancerName(url string) string {
	name := url[len("balancer://"):]
	name, _, _ = strings.Cut(name, "/")
	return strings.ToLower(name)
}

// memberOff reports whether a status= value sets D (disabled) or S
// (stopped): "+D", "D", "+H+S"; "-D" clears it.
func memberOff(status string) bool {
	set := true
	for _, c := range strings.ToLower(status) {
		switch c {
		case '+':
			set = true
		case '-':
			set = false
		case 'd', 's':
			if set {
				return true
			}
		}
	}
	return false
}

// memberStatus is the value of a member's status= parameter.
func memberStatus(params []string) string {
	for _, p := range params {
		if len(p) > len("status=") && strings.EqualFold(p[:len("status=")], "status=") {
			return p[len("status="):]
		}
	}
	return ""
}

// rewriteProxyURL is the substitution of a `RewriteRule PATTERN URL
// [flags]` whose flags include P (proxy); ok is false for other rules.
func (a *apacheDiscovery) rewriteProxyURL(d *apacheDirective) (string, bool) {
	if len(d.args) < 3 {
		return "", false
	}
	flags, ok := strings.CutPrefix(d.args[len(d.args)-1], "[")
	if flags, ok = strings.CutSuffix(flags, "]"); !ok {
		return "", false
	}
	proxied := false
	for _, f := range strings.Split(flags, ",") {
		if f = strings.TrimSpace(f); strings.EqualFold(f, "p") || strings.EqualFold(f, "proxy") {
			proxied = true
		}
	}
	if !proxied {
		return "", false
	}
	target := d.args[1]
	if !strings.Contains(target, "://") && !strings.HasPrefix(target, "unix:") {
		a.skip(d, "RewriteRule [P] to %q, not an absolute URL: Apache builds the backend from the request", target)
		return "", false
	}
	return target, true
}
