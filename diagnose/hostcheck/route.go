package hostcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// routeFindings asks the kernel for a route to each upstream that is not
// on this host, as `ip route get` does: a UDP connect, which looks the
// route up and sends no packet.
func routeFindings(ctx context.Context, ups []upstream, own map[netip.Addr]bool) []diagnose.Finding {
	var fs []diagnose.Finding
	for _, u := range ups {
		for _, a := range u.addrs {
			if isLocal(a.Addr(), own) {
				continue
			}
			c, ok := routeCause(ctx, a)
			if !ok {
				continue
			}
			f := newFinding(diagnose.CheckNetwork, c, u.label)
			f.Summary = fmt.Sprintf("no route to %s: %s", a.Addr(), c)
			f.Evidence = []string{fmt.Sprintf("route lookup for %s (as `ip route get %s`): %s", a.Addr(), a.Addr(), routeErrText(c))}
			f.Fix = fmt.Sprintf("add a route to %s (ip route add … via …) or correct the address of %s%s", a.Addr(), directive(u.target), at(u.target))
			if c == cause.NetworkUnreachable && a.Addr().Is6() {
				f.Fix += "; if the host has no IPv6, use the IPv4 address (nginx: resolver … ipv6=off)"
			}
			fs = append(fs, f)
		}
	}
	return fs
}

// routeCause reports whether the kernel has no route to a, and the cause
// a connect would show.
func routeCause(ctx context.Context, a netip.AddrPort) (cause.Cause, bool) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", a.String())
	if err == nil {
		c.Close()
		return cause.None, false
	}
	switch {
	case errors.Is(err, syscall.EHOSTUNREACH):
		return cause.HostUnreachable, true
	case errors.Is(err, syscall.ENETUNREACH):
		return cause.NetworkUnreachable, true
	}
	return cause.None, false
}

func routeErrText(c cause.Cause) string {
	if c == cause.HostUnreachable {
		return "No route to host (EHOSTUNREACH: an unreachable or prohibit route)"
	}
	return "Network is unreachable (ENETUNREACH: no route)"
}
