package live

import (
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

// One upstream probed through two targets (the same peer in two upstream
// blocks) is one finding naming both places; a discovery error is a
// warning, not silence.
func TestProbeFindingsOnePerUpstreamAndCause(t *testing.T) {
	failed := probe.Result{Upstream: "127.0.0.1:9000", Cause: cause.ConnectTimeout, Err: "i/o\ntimeout", Start: t0}
	latest := []probe.Latest{
		{Target: probe.Target{Module: probe.ModuleTCP, Proxy: "haproxy", Group: "be", Where: "haproxy.cfg:10"}, Result: failed},
		{Target: probe.Target{Module: probe.ModuleHTTP, Proxy: "haproxy", Group: "be2", Where: "haproxy.cfg:20"}, Result: failed},
	}
	fs := probeFindings(latest, nil)
	if len(fs) != 1 {
		t.Fatalf("%d findings: %+v", len(fs), fs)
	}
	f := fs[0]
	want := []string{"tcp probe at 2026-12-02 03:00:00 UTC: i/o timeout", "configured at haproxy.cfg:10 (HAProxy be)", "also configured at haproxy.cfg:20"}
	if strings.Join(f.Evidence, "|") != strings.Join(want, "|") {
		t.Errorf("evidence %q", f.Evidence)
	}
	if !strings.Contains(f.Fix, "SYNs dropped") || !strings.Contains(f.Fix, "haproxy -c") || !strings.HasSuffix(f.Fix, "configured at haproxy.cfg:10") {
		t.Errorf("fix %q", f.Fix)
	}
	ds := discoveryFindings(probe.Discovery{Errors: []string{"nginx: open /etc/nginx/nginx.conf: permission denied"}})
	if len(ds) != 1 || ds[0].Severity != diagnose.Warning || !strings.Contains(ds[0].Summary, "permission denied") {
		t.Errorf("discovery findings %+v", ds)
	}
}
