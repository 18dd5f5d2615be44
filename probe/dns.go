package probe

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// DNSProber returns the dns module: it resolves the host of Address (A and
// AAAA) with res (net.DefaultResolver when nil) and passes when at least one
// address comes back; r.Addresses lists them. NXDOMAIN, SERVFAIL and a
// resolver that does not answer in time are all dns_failure, as nginx's
// "could not be resolved" is.
func DNSProber(res *net.Resolver) ProbeFunc {
	return func(ctx context.Context, t Target, r *Result) {
		host := t.Address
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		start := time.Now()
		addrs, err := lookup(ctx, res, host)
		r.Phases[PhaseResolve] = time.Since(start)
		if err != nil {
			r.fail(cause.DNSFailure, err)
			return
		}
		for _, a := range addrs {
			r.Addresses = append(r.Addresses, a.String())
		}
		r.Success = true
	}
}

// errNoAddresses is a name with records but no A or AAAA among them.
var errNoAddresses = errors.New("no A or AAAA records")

// lookup resolves host to its addresses; an IP literal is returned as is.
func lookup(ctx context.Context, res *net.Resolver, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	if res == nil {
		res = net.DefaultResolver
	}
	addrs, err := res.LookupNetIP(ctx, "ip", host)
	if err != nil {
		// Go names the server of resolv.conf even when Dial went elsewhere.
		var dnsErr *net.DNSError
		if server, ok := resolverServers.Load(res); ok && errors.As(err, &dnsErr) && dnsErr.Server != "" {
			dnsErr.Server = server.(string)
		}
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: errNoAddresses.Error(), Name: host, IsNotFound: true}
	}
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return addrs, nil
}

// Resolver returns a resolver that sends every query to server
// ("host:port", over UDP, and TCP for truncated answers), never to the
// system's resolvers; with server "" it returns nil (the system resolver).
func Resolver(server string) *net.Resolver {
	if server == "" {
		return nil
	}
	res := &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		},
	}
	resolverServers.Store(res, server)
	return res
}

// resolverServers maps the resolvers made by Resolver to their server, for
// error messages.
var resolverServers sync.Map
