package checklist

import (
	"fmt"
	"net"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// fixFor names the directive or command that fixes a failed probe, with
// the concrete value.
func fixFor(t probe.Target, r probe.Result, d *nginxconf.Directive) string {
	at := directiveRef(t, d)
	switch r.Cause {
	case cause.ConnectionRefused:
		return fmt.Sprintf("nothing listens on %s: start the app (systemctl start <app>; `ss -tlnp` shows what listens where), or change %s to the address it listens on", r.Address, at)
	case cause.SocketNotFound:
		return fmt.Sprintf("the socket %s does not exist: start the app that creates it (php-fpm, gunicorn, puma), or change %s to the socket it creates", strings.TrimPrefix(r.Address, "unix:"), at)
	case cause.PermissionDenied:
		return fmt.Sprintf("let the proxy's worker user open %s: chown/chmod the socket (php-fpm: listen.owner, listen.group, listen.mode = 0660), or change %s", strings.TrimPrefix(r.Address, "unix:"), at)
	case cause.ConnectTimeout, cause.HostUnreachable, cause.NetworkUnreachable:
		return fmt.Sprintf("%s cannot be reached: check the firewall and route (iptables -S; nft list ruleset; ip route get %s), or change %s", r.Address, hostOf(r.Address), at)
	case cause.ReadTimeout:
		return fmt.Sprintf("the app accepts connections on %s but did not answer within %v: find the stuck request in its logs; raise proxy_read_timeout (HAProxy: timeout server) only if slow answers are expected", r.Address, r.Duration.Round(1e6))
	case cause.PrematureClose, cause.ConnectionReset:
		return fmt.Sprintf("the app on %s closes the connection mid-response: look for crashes and OOM kills (journalctl -u <app>; dmesg | grep -i oom); if it closes idle keep-alive connections first, set keepalive_timeout in the upstream block below the app's own keep-alive timeout", r.Address)
	case cause.ProtocolError:
		return protocolFix(t, d)
	case cause.TLSHandshakeFailed:
		return fmt.Sprintf("the TLS handshake with %s fails: set proxy_ssl_server_name on; and proxy_ssl_protocols TLSv1.2 TLSv1.3; (HAProxy: sni, ssl-min-ver), or speak plain HTTP: %s", r.Address, replaceIn(t, d, "", "http"))
	case cause.TLSVerifyFailed:
		return fmt.Sprintf("the certificate of %s is not trusted: set proxy_ssl_trusted_certificate to its CA and proxy_ssl_name to its name (HAProxy: ca-file, verifyhost), or renew it", r.Address)
	case cause.DNSFailure:
		return probeDNSFix(hostOf(t.Address), r.Err, at)
	case cause.UnhealthyStatus:
		return statusFix(t, r, d)
	}
	if h := r.Cause.FixHint(); h != "" {
		return h + " (" + at + ")"
	}
	return "read the probe error above; the upstream is configured at " + at
}

// protocolFix swaps http and https (nginx) or the ssl parameter (HAProxy).
func protocolFix(t probe.Target, d *nginxconf.Directive) string {
	spokeTLS := t.TLS != nil
	if t.Proxy == "haproxy" {
		if spokeTLS {
			return fmt.Sprintf("the port speaks plain HTTP: remove `ssl` from the server line at %s", t.Where)
		}
		return fmt.Sprintf("the port speaks TLS: add `ssl verify none` (or `ssl ca-file <ca.pem>`) to the server line at %s", t.Where)
	}
	if spokeTLS {
		return fmt.Sprintf("the port speaks plain HTTP, not TLS: %s", replaceIn(t, d, "", "http"))
	}
	return fmt.Sprintf("the port speaks TLS, not plain HTTP: %s", replaceIn(t, d, "", "https"))
}

// statusFix explains a status the probe did not expect: for HAProxy, the
// health check marks the server DOWN.
func statusFix(t probe.Target, r probe.Result, d *nginxconf.Directive) string {
	path := t.HTTP.Path
	if path == "" {
		path = "/"
	}
	if t.Proxy == "haproxy" {
		method := t.HTTP.Method
		if method == "" {
			method = "GET"
		}
		return fmt.Sprintf("HAProxy's health check %s %s gets %d, so it marks %s DOWN: set `option httpchk %s <a path that answers 200>` (or `http-check send meth %s uri <path>`) in backend %s, server at %s, or make the app answer %s",
			method, path, r.StatusCode, t.Upstream, method, method, t.Group, t.Where, path)
	}
	return fmt.Sprintf("the app answers %d at %s: read its logs for the error; it is configured at %s", r.StatusCode, path, directiveRef(t, d))
}

// directiveRef is "`directive args` at file:line", or the place alone.
func directiveRef(t probe.Target, d *nginxconf.Directive) string {
	if d != nil {
		return fmt.Sprintf("`%s` at %s", d.String(), t.Where)
	}
	if t.Where != "" {
		return "the server at " + t.Where
	}
	return t.Address
}

// replaceIn writes the directive of t with its address replaced by
// hostPort and/or its scheme by scheme ("" keeps either): "`proxy_pass
// http://127.0.0.1:3000` at file:line". For a server of an upstream block
// whose scheme is wrong, the proxy_pass that uses the group is to change.
func replaceIn(t probe.Target, d *nginxconf.Directive, hostPort, scheme string) string {
	if d == nil {
		return "change the upstream at " + directiveRef(t, d) + " to " + strings.TrimSpace(scheme+" "+hostPort)
	}
	args := append([]string(nil), d.Args...)
	if len(args) == 0 {
		return "change " + directiveRef(t, d)
	}
	if d.Name == "server" {
		if scheme != "" {
			return fmt.Sprintf("use `proxy_pass %s://%s` in the locations that pass to upstream %s (its server is at %s)", scheme, t.Group, t.Group, t.Where)
		}
		if hostPort != "" {
			args[0] = hostPort
		}
	} else {
		args[0] = rewritePass(args[0], hostPort, scheme)
	}
	return fmt.Sprintf("`%s %s` at %s", d.Name, strings.Join(args, " "), t.Where)
}

// rewritePass replaces the host:port and/or the scheme of a pass URL,
// keeping its URI.
func rewritePass(arg, hostPort, scheme string) string {
	oldScheme, rest, ok := strings.Cut(arg, "://")
	if !ok {
		oldScheme, rest = "", arg
	}
	hp, uri := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hp, uri = rest[:i], rest[i:]
	}
	if hostPort != "" {
		hp = hostPort
	}
	if scheme != "" {
		oldScheme = scheme
	}
	if oldScheme == "" {
		return hp + uri
	}
	return oldScheme + "://" + hp + uri
}

// hostOf is the host of "host:port" (or the address itself).
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return strings.TrimPrefix(addr, "unix:")
}
