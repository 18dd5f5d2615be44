package checklist

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// BenchmarkRunFiftyUpstreams measures one diagnose run over 50 upstreams:
// 20 refused, 10 unreachable (connect times out: a full accept queue), 10
// that accept and never answer, 10 healthy; probes run 32 at a time with
// a 3 s timeout; the host checks (listeners, firewall, routes, kernel
// log) run too. Run it with -benchtime 1x; it reports the wall time of a
// run, and fails only if an upstream was not checked.
//
//	go test -run '^$' -bench RunFiftyUpstreams -benchtime 1x ./diagnose/checklist
func BenchmarkRunFiftyUpstreams(b *testing.B) {
	var servers []string
	for i := range 50 {
		switch {
		case i < 20:
			servers = append(servers, backend.ClosedPort(b))
		case i < 30:
			servers = append(servers, probetest.FullBacklog(b))
		case i < 40:
			servers = append(servers, backend.NeverAnswer(b))
		default:
			servers = append(servers, backend.HTTPOK(b))
		}
	}
	var conf strings.Builder
	conf.WriteString("upstream app {\n")
	for _, s := range servers {
		fmt.Fprintf(&conf, "    server %s;\n", s)
	}
	conf.WriteString("}\nserver { listen 127.0.0.1:1; location / { proxy_pass http://app; } }\n")
	path := writeNginx(b, conf.String())
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		r, err := Run(context.Background(), Options{NginxConfig: path, NginxBinary: "/nonexistent", HAProxyBinary: "/nonexistent", Timeout: 3 * time.Second,
			Logs: LogWindow, Host: HostChecks})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/run")
		if len(r.Checked.Upstreams) != 50 || len(r.Findings) < 40 {
			b.Fatalf("%d upstreams checked, %d findings", len(r.Checked.Upstreams), len(r.Findings))
		}
	}
}
