package hostcheck

import (
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// upstream is a target as the host checks see it.
type upstream struct {
	target probe.Target
	label  string           // the metrics label
	unix   string           // unix: the socket path ("@name" abstract); "" for TCP
	addrs  []netip.AddrPort // TCP: the addresses to look at (localhost has two)
	port   uint16
}

// parseUpstream reads a target's address: an IP literal, localhost or a
// unix socket. A host name is not resolved here (that sends DNS queries;
// the connectivity check probes names): ok is false then.
func parseUpstream(t probe.Target) (upstream, bool) {
	a := t.Dial
	if a == "" {
		a = t.Address
	}
	u := upstream{target: t, label: t.Upstream}
	if path, ok := strings.CutPrefix(a, "unix:"); ok {
		if path == "" {
			return upstream{}, false
		}
		u.unix = path
		if u.label == "" {
			u.label = "unix:" + path
		}
		return u, true
	}
	host, portText, err := net.SplitHostPort(a)
	if err != nil {
		return upstream{}, false
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil || port == 0 {
		return upstream{}, false
	}
	u.port = uint16(port)
	if strings.EqualFold(host, "localhost") {
		u.addrs = []netip.AddrPort{
			netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), u.port),
			netip.AddrPortFrom(netip.IPv6Loopback(), u.port),
		}
	} else {
		ip, err := netip.ParseAddr(host)
		if err != nil || ip.Zone() != "" {
			return upstream{}, false
		}
		u.addrs = []netip.AddrPort{netip.AddrPortFrom(ip.Unmap(), u.port)}
	}
	if u.label == "" {
		u.label = u.addrs[0].String()
	}
	return u, true
}

// directive names what configures the upstream, for a fix: "proxy_pass",
// "server in upstream app", HAProxy's "server", Apache's "ProxyPass".
func directive(t probe.Target) string {
	switch {
	case t.Proxy == "haproxy" && t.Group != "":
		return "server in backend " + t.Group
	case t.Proxy == "haproxy":
		return "server"
	case t.Proxy == "apache":
		return "ProxyPass"
	case t.Group != "":
		return "server in upstream " + t.Group
	}
	if name := directiveAt(t.Where); strings.HasSuffix(name, "_pass") {
		return name // fastcgi_pass, uwsgi_pass, grpc_pass …
	}
	switch {
	case t.Module == probe.ModuleHTTP || t.Module == probe.ModuleTLS:
		return "proxy_pass"
	case t.Proxy == "nginx":
		return "the *_pass directive"
	}
	return "the upstream address"
}

// directiveAt returns the first word of the configuration line at
// "file:line", "" when it cannot be read.
func directiveAt(where string) string {
	i := strings.LastIndexByte(where, ':')
	if i <= 0 {
		return ""
	}
	n, err := strconv.Atoi(where[i+1:])
	if err != nil || n <= 0 {
		return ""
	}
	f, err := os.Open(where[:i])
	if err != nil {
		return ""
	}
	defer f.Close()
	line := 0
	word := ""
	_ = scanLines(f, func(b []byte) bool {
		line++
		if line == n {
			if fs := strings.Fields(string(b)); len(fs) > 0 {
				word = printable([]byte(fs[0]))
			}
			return false
		}
		return true
	})
	return word
}

// at is " at file:line" of the target's configuration, or "".
func at(t probe.Target) string {
	if t.Where == "" {
		return ""
	}
	return " at " + t.Where
}

// localAddrs returns the host's own addresses, from net.Interfaces.
func localAddrs() map[netip.Addr]bool {
	out := map[netip.Addr]bool{}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return out
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out[p.Addr().Unmap()] = true
		}
	}
	return out
}

// isLocal reports whether ip is this host: loopback, unspecified (which
// connects to the host) or one of its addresses.
func isLocal(ip netip.Addr, own map[netip.Addr]bool) bool {
	return ip.IsLoopback() || ip.IsUnspecified() || own[ip.Unmap()]
}

// covers reports whether listener l accepts connections to a: the same
// address, or a wildcard of the family (an IPv6 wildcard takes IPv4 too,
// as a dual-stack socket does by default).
func covers(l Listener, a netip.AddrPort) bool {
	if l.Network == "unix" || l.Addr.Port() != a.Port() {
		return false
	}
	la, ip := l.Addr.Addr().Unmap(), a.Addr().Unmap()
	switch {
	case la == ip:
		return true
	case la.IsUnspecified() && la.Is4():
		return ip.Is4()
	case la.IsUnspecified():
		return true
	}
	return false
}
