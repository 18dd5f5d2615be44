package checklist

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/hostcheck"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/probe"
)

// quietHost keeps NetworkChecks off the live host's firewall and kernel log.
func quietHost(t *testing.T) hostcheck.NetworkOptions {
	return hostcheck.NetworkOptions{SysRoot: t.TempDir(),
		Run: func(context.Context, string, ...string) ([]byte, error) {
			return nil, errors.New("not run in this test")
		},
		KernelLog: func(context.Context) ([]hostcheck.KernelLine, error) { return nil, nil }}
}

// TestHostChecksUsesPartialListeners: Listeners returns what it read with
// the error of what it could not (a bound reached): the service findings
// still come from what was read, and the error is listed as skipped.
func TestHostChecksUsesPartialListeners(t *testing.T) {
	dead := loopback.ClosedTCPAddr(t)
	other := netip.MustParseAddrPort("127.0.0.1:3999")
	in := &Inputs{Targets: []probe.Target{{Address: dead, Module: probe.ModuleHTTP, Proxy: "nginx", Where: "n.conf:3"}}}
	partial := func() ([]hostcheck.Listener, error) {
		return []hostcheck.Listener{{Network: "tcp", Addr: other, PID: 812, Command: "node", UID: 1000}},
			errors.New("/proc/net/tcp6: more than 65536 listeners: too many entries")
	}
	fs, skipped := hostChecks(context.Background(), in, partial, quietHost(t))
	var service *diagnose.Finding
	for i := range fs {
		if fs[i].Check == diagnose.CheckService {
			service = &fs[i]
		}
	}
	if service == nil || service.Cause != "connection_refused" || service.Upstream != dead || !strings.Contains(service.Summary, "node (pid 812)") {
		t.Fatalf("no service finding from the partial listeners: %+v", fs)
	}
	found := false
	for _, s := range skipped {
		if s.Check == diagnose.CheckService && strings.Contains(s.Reason, "partly read") && strings.Contains(s.Reason, "too many entries") {
			found = true
		}
	}
	if !found {
		t.Errorf("the error is not listed as skipped: %+v", skipped)
	}

	none := func() ([]hostcheck.Listener, error) { return nil, errors.New("open /proc/net/tcp: permission denied") }
	fs, skipped = hostChecks(context.Background(), in, none, quietHost(t))
	for _, f := range fs {
		if f.Check == diagnose.CheckService {
			t.Errorf("a service finding without any listener read: %+v", f)
		}
	}
	if len(skipped) == 0 || !strings.Contains(skipped[0].Reason, "permission denied") {
		t.Errorf("skipped %+v", skipped)
	}
}
