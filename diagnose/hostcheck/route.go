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
			c, text, ok := routeCause(ctx, a)
			if !ok {
				continue
			}
			f := newFinding(diagnose.CheckNetwork, c, u.label)
			f.Summary = fmt.Sprintf("no route to %s: %s", a.Addr(), c)
			f.Evidence = []string{fmt.Sprintf("route lookup for %s (as `ip route get %s`): %s", a.Addr(), a.Addr(), text)}
			f.Fix = fmt.Sprintf("add a route to %s (ip route add … via …) or correct the address of %s%s", a.Addr(), directive(u.target), at(u.target))
			if c == cause.NetworkUnreachable && a.Addr().Is6() {
				f.Fix += "; if the host has no IPv6, use the IPv4 address (nginx: resolver … ipv6=off)"
			}
			fs = append(fs, f)
		}
	}
	return fs
}

// routeCause reports whether the kernel has no route to a, the cause a
// connect would show (the errno table of the probes and the log
// classifier) and the kernel's words.
func routeCause(ctx context.Context, a netip.AddrPort) (cause.Cause, string, bool) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", a.String())
	if err == nil {
		c.Close()
		return cause.None, "", false
	}
	switch {
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.EHOSTDOWN):
		return cause.HostUnreachable, "No route to host (EHOSTUNREACH: an unreachable route)", true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return cause.NetworkUnreachable, "Network is unreachable (ENETUNREACH: no route)", true
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return cause.PermissionDenied, "Permission denied (EACCES: a prohibit route)", true
	case errors.Is(err, syscall.EINVAL):
		return cause.NetworkUnreachable, "Invalid argument (EINVAL: a blackhole route)", true
	}
	return cause.None, "", false
}
