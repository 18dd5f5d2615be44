package checklist

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// configFindings runs `nginx -t` / `haproxy -c` and the nginx lint.
func configFindings(ctx context.Context, in *Inputs, o *Options, res *net.Resolver) ([]diagnose.Finding, []diagnose.Skipped) {
	var fs []diagnose.Finding
	var skipped []diagnose.Skipped
	for _, p := range in.Proxies {
		f, s := syntaxCheck(ctx, p, 10*o.Timeout)
		if f != nil {
			fs = append(fs, *f)
		}
		if s != nil {
			skipped = append(skipped, *s)
		}
		if p.Nginx != nil {
			fs = append(fs, lintNginx(ctx, p.Nginx, o.Timeout, res)...)
			sf, ss := socketFindings("nginx", nginxRunsAs(p.Nginx), in.Targets, in.directivesByWhere())
			fs = append(fs, sf...)
			skipped = append(skipped, ss...)
		}
		if p.Kind == "haproxy" {
			sf, ss := socketFindings("haproxy", haproxyRunsAs(p.File), in.Targets, nil)
			fs = append(fs, sf...)
			skipped = append(skipped, ss...)
		}
	}
	return fs, skipped
}

// lintNginx checks what nginx would do with its configuration at run time:
// proxy_pass built from a variable (nginx resolves it per request, with
// its resolver), and upstream keepalive without HTTP/1.1.
func lintNginx(ctx context.Context, cfg *nginxconf.Config, timeout time.Duration, res *net.Resolver) []diagnose.Finding {
	var fs []diagnose.Finding
	keepalive := map[string]*nginxconf.Directive{} // upstream name → its keepalive
	cfg.Walk(func(d *nginxconf.Directive, parents []*nginxconf.Directive) bool {
		if d.Name == "keepalive" && len(parents) > 0 && parents[len(parents)-1].Name == "upstream" {
			keepalive[strings.ToLower(parents[len(parents)-1].Arg(0))] = d
		}
		return true
	})
	cfg.Walk(func(d *nginxconf.Directive, parents []*nginxconf.Directive) bool {
		if d.Name != "proxy_pass" || len(parents) == 0 || parents[0].Name != "http" {
			return true
		}
		host, port := passHost(d.Arg(0))
		if strings.HasPrefix(host, "$") {
			if f := lintVariablePass(ctx, cfg, d, parents, host, port, timeout, res); f != nil {
				fs = append(fs, *f)
			}
			return true
		}
		if ka := keepalive[strings.ToLower(host)]; ka != nil && port == "" {
			if f := lintKeepalive(cfg, d, parents, ka, host); f != nil {
				fs = append(fs, *f)
			}
		}
		return true
	})
	return fs
}

// passHost splits the host and port of a proxy_pass URL.
func passHost(arg string) (host, port string) {
	_, rest, ok := strings.Cut(arg, "://")
	if !ok {
		rest = arg
	}
	hp, _, _ := strings.Cut(rest, "/")
	if h, p, err := net.SplitHostPort(hp); err == nil {
		return h, p
	}
	return hp, ""
}

// lintVariablePass: with a variable host, nginx resolves the name for each
// request with its `resolver`; without one it answers 502 ("no resolver
// defined to resolve"). With one, the name the variable is set to must
// resolve there.
func lintVariablePass(ctx context.Context, cfg *nginxconf.Config, d *nginxconf.Directive, parents []*nginxconf.Directive,
	variable, port string, timeout time.Duration, res *net.Resolver) *diagnose.Finding {
	set := lookupSet(cfg, parents, variable)
	name := ""
	if set != nil && !strings.Contains(set.Arg(1), "$") {
		name, _ = passHost("x://" + set.Arg(1))
	}
	resolver := nginxconf.Lookup(cfg.Directives, parents, "resolver")
	upstream := variable
	if name != "" {
		upstream = name
		if port != "" {
			upstream = net.JoinHostPort(name, port)
		}
	}
	if resolver == nil {
		if name != "" && net.ParseIP(name) != nil {
			return nil // an IP address needs no resolver
		}
		return &diagnose.Finding{
			Severity: diagnose.Warning, Check: diagnose.CheckConfig, Cause: cause.DNSFailure.String(), Upstream: upstream,
			Summary:  fmt.Sprintf("proxy_pass is built from %s but no resolver is set: nginx answers 502 (no resolver defined) for every name it holds", variable),
			Evidence: []string{fmt.Sprintf("%s: %s", d.Where(), d.String())},
			Fix:      fmt.Sprintf("add `resolver <DNS server IP> valid=30s;` in the http block of %s (127.0.0.11 in Docker), or use a literal address in %s", cfg.File, d.Where()),
			Runbook:  diagnose.RunbookFor(cause.DNSFailure.String()),
		}
	}
	if name == "" || net.ParseIP(name) != nil || len(resolver.Args) == 0 {
		return nil
	}
	server := resolver.Arg(0)
	if _, _, err := net.SplitHostPort(server); err != nil {
		server = net.JoinHostPort(strings.Trim(server, "[]"), "53")
	}
	r := probe.Resolver(server)
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := r.LookupNetIP(lctx, "ip", name)
	if err == nil {
		return nil
	}
	summary := fmt.Sprintf("%s does not exist at nginx's resolver %s (NXDOMAIN or no address): every request to that location gets 502", name, server)
	fix := fmt.Sprintf("change `%s` at %s to a name that resolves at %s (or an IP address), or add %s to that DNS server", set.String(), set.Where(), server, name)
	switch dnsOutcomeOf(err) {
	case dnsNoAnswer:
		// nginx logs "could not be resolved (110: Operation timed out)" and
		// answers 502 as for a name that does not exist: critical too.
		summary = fmt.Sprintf("nginx's resolver %s did not answer for %s within %v: nginx logs \"could not be resolved (110: Operation timed out)\" and every request to that location gets 502", server, name, timeout)
		fix = fmt.Sprintf("the DNS server %s does not answer: check that it runs and that port 53 to it is open (`dig @%s -p %s %s`), or change `%s` at %s to one that answers (127.0.0.11 in Docker, 127.0.0.53 with systemd-resolved)",
			server, hostOf(server), portOf(server), name, resolver.String(), resolver.Where())
	case dnsOther:
		summary = fmt.Sprintf("nginx's resolver %s fails for %s (%v): every request to that location gets 502", server, name, err)
		fix = fmt.Sprintf("the DNS server %s fails for %s (`dig @%s -p %s %s` shows its answer): fix it, or change `%s` at %s to one that answers", server, name, hostOf(server), portOf(server), name, resolver.String(), resolver.Where())
	}
	return &diagnose.Finding{
		Severity: diagnose.Critical, Check: diagnose.CheckConfig, Cause: cause.DNSFailure.String(), Upstream: upstream, Failing: true,
		Summary: summary,
		Evidence: []string{fmt.Sprintf("lookup %s at %s: %v", name, server, err),
			fmt.Sprintf("%s: %s", set.Where(), set.String()), fmt.Sprintf("%s: %s", d.Where(), d.String()),
			fmt.Sprintf("%s: %s", resolver.Where(), resolver.String())},
		Fix:     fix,
		Runbook: diagnose.RunbookFor(cause.DNSFailure.String()),
	}
}

// portOf is the port of "host:port", "53" when there is none.
func portOf(addr string) string {
	if _, p, err := net.SplitHostPort(addr); err == nil {
		return p
	}
	return "53"
}

// lookupSet finds the innermost `set $var value` that applies.
func lookupSet(cfg *nginxconf.Config, parents []*nginxconf.Directive, variable string) *nginxconf.Directive {
	levels := [][]*nginxconf.Directive{cfg.Directives}
	for _, p := range parents {
		levels = append(levels, p.Block)
	}
	for i := len(levels) - 1; i >= 0; i-- {
		for _, d := range nginxconf.Find(levels[i], "set") {
			if d.Arg(0) == variable {
				return d
			}
		}
	}
	return nil
}

// lintKeepalive: upstream keepalive needs proxy_http_version 1.1 and an
// empty Connection header, or nginx closes every connection anyway.
func lintKeepalive(cfg *nginxconf.Config, d *nginxconf.Directive, parents []*nginxconf.Directive, ka *nginxconf.Directive, group string) *diagnose.Finding {
	version := nginxconf.Lookup(cfg.Directives, parents, "proxy_http_version")
	v11 := version != nil && version.Arg(0) == "1.1"
	conn, ok := headerValue(cfg, parents, "Connection")
	emptyConn := ok && conn == ""
	if v11 && emptyConn {
		return nil
	}
	var missing []string
	if !v11 {
		missing = append(missing, "proxy_http_version 1.1;")
	}
	if !emptyConn {
		missing = append(missing, `proxy_set_header Connection "";`)
	}
	return &diagnose.Finding{
		Severity: diagnose.Warning, Check: diagnose.CheckConfig, Upstream: group,
		Summary:  fmt.Sprintf("upstream keepalive is set but the location does not keep connections alive (missing %s)", strings.Join(missing, " ")),
		Evidence: []string{fmt.Sprintf("%s: %s", ka.Where(), ka.String()), fmt.Sprintf("%s: %s", d.Where(), d.String())},
		Fix:      fmt.Sprintf("add `%s` next to `%s` at %s", strings.Join(missing, " "), d.String(), d.Where()),
		Runbook:  diagnose.RunbookFor(cause.LocalAddressUnavailable.String()),
	}
}

// headerValue is the value proxy_set_header gives a header where parents
// end (see discover.ProxySetHeaders).
func headerValue(cfg *nginxconf.Config, parents []*nginxconf.Directive, name string) (string, bool) {
	for _, d := range discover.ProxySetHeaders(cfg, parents) {
		if strings.EqualFold(d.Arg(0), name) {
			return d.Arg(1), true
		}
	}
	return "", false
}
