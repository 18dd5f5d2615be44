package probe

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// testZone is served by a DNS server on 127.0.0.1: resolution never leaves
// the machine, and the names are under the reserved .invalid TLD.
var testZone = map[string]probetest.Answer{
	"three.bgw.invalid": {Addrs: []netip.Addr{
		netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.3"),
	}},
	"v6.bgw.invalid":       {Addrs: []netip.Addr{netip.MustParseAddr("::1")}},
	"servfail.bgw.invalid": {Rcode: probetest.RcodeServFail},
	"silent.bgw.invalid":   {Drop: true},
	"empty.bgw.invalid":    {},
}

func testResolver(t *testing.T) *net.Resolver {
	return Resolver(probetest.DNSServer(t, testZone))
}

func TestDNS(t *testing.T) {
	probeDNS := DNSProber(testResolver(t))
	r := runProbe(t, probeDNS, Target{Address: "three.bgw.invalid:80", Module: ModuleDNS}, 5*time.Second)
	wantSuccess(t, r)
	slices.Sort(r.Addresses)
	if !slices.Equal(r.Addresses, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}) || r.Phases[PhaseResolve] <= 0 {
		t.Errorf("addresses %v, resolve %v", r.Addresses, r.Phases[PhaseResolve])
	}
	r = runProbe(t, probeDNS, Target{Address: "v6.bgw.invalid", Module: ModuleDNS}, 5*time.Second)
	if !r.Success || !slices.Equal(r.Addresses, []string{"::1"}) {
		t.Errorf("v6: %+v", r)
	}
	for name, timeout := range map[string]time.Duration{
		"nxdomain.bgw.invalid": 5 * time.Second,
		"servfail.bgw.invalid": 5 * time.Second,
		"empty.bgw.invalid":    5 * time.Second,
		"silent.bgw.invalid":   testTimeout,
	} {
		r := runProbe(t, probeDNS, Target{Address: name, Module: ModuleDNS}, timeout)
		wantCause(t, r, cause.DNSFailure)
		t.Logf("%s: %s", name, r.Err)
	}
}

func TestLookupIPLiteral(t *testing.T) {
	addrs, err := lookup(context.Background(), nil, "::1")
	if err != nil || len(addrs) != 1 || addrs[0].String() != "::1" {
		t.Errorf("lookup(::1) = %v, %v", addrs, err)
	}
}
