package checklist

import (
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

func TestWorkerConnectionsFixNamesDirectivesAndValues(t *testing.T) {
	d := func(name string, line int, args ...string) *nginxconf.Directive {
		return &nginxconf.Directive{Name: name, Args: args, File: "/etc/nginx/nginx.conf", Line: line}
	}
	events := d("events", 5)
	events.Block = []*nginxconf.Directive{d("worker_connections", 6, "768")}
	cfg := &nginxconf.Config{File: "/etc/nginx/nginx.conf", Directives: []*nginxconf.Directive{events}}
	fix := workerConnectionsFix(cfg)
	for _, want := range []string{"`worker_connections 768` at /etc/nginx/nginx.conf:6", "`worker_connections 4096;`", "add `worker_rlimit_nofile 8192;` to the main context"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix %q lacks %q", fix, want)
		}
	}
	cfg.Directives = append(cfg.Directives, d("worker_rlimit_nofile", 2, "1024"))
	if fix := workerConnectionsFix(cfg); !strings.Contains(fix, "raise `worker_rlimit_nofile 1024` at /etc/nginx/nginx.conf:2 to `worker_rlimit_nofile 8192;`") {
		t.Errorf("low rlimit: %q", fix)
	}
	cfg.Directives[1].Args = []string{"100000"}
	if fix := workerConnectionsFix(cfg); strings.Contains(fix, "worker_rlimit_nofile") {
		t.Errorf("a high enough rlimit is named: %q", fix)
	}
	events.Block = []*nginxconf.Directive{d("worker_connections", 6, "junk\xff")}
	if fix := workerConnectionsFix(cfg); !strings.Contains(fix, "`worker_connections 4096;`") {
		t.Errorf("malformed value: %q", fix)
	}
	cfg.Directives = nil
	if fix := workerConnectionsFix(cfg); !strings.Contains(fix, "add `worker_connections 4096;` to the events block of /etc/nginx/nginx.conf (none is set") {
		t.Errorf("no events block: %q", fix)
	}
}

// TestFoldProxyLevel: the logs check's count of proxy_resource_exhausted
// becomes evidence of the host check's finding; other findings stay.
func TestFoldProxyLevel(t *testing.T) {
	seen := time.Date(2026, 12, 2, 3, 12, 9, 0, time.UTC)
	fs := []diagnose.Finding{
		{Check: diagnose.CheckNetwork, Cause: "upstream_killed", Summary: "oom"},
		{Check: diagnose.CheckLogs, Cause: "proxy_resource_exhausted", Summary: "11 × proxy_resource_exhausted from the proxy", Seen: seen},
		{Check: diagnose.CheckNetwork, Cause: "proxy_resource_exhausted", Summary: "nginx ran out", Evidence: []string{"line"}},
		{Check: diagnose.CheckLogs, Cause: "proxy_resource_exhausted", Upstream: "127.0.0.1:1", Summary: "tied to an upstream"},
	}
	out := foldProxyLevel(fs)
	if len(out) != 3 || out[1].Summary != "nginx ran out" || out[1].Evidence[0] != "11 × proxy_resource_exhausted from the proxy" ||
		!out[1].Seen.Equal(seen) || out[0].Cause != "upstream_killed" || out[2].Upstream != "127.0.0.1:1" {
		t.Errorf("%+v", out)
	}
	if out := foldProxyLevel([]diagnose.Finding{{Check: diagnose.CheckLogs, Cause: "proxy_resource_exhausted"}}); len(out) != 1 {
		t.Errorf("without a host finding the logs finding must stay: %+v", out)
	}
}
