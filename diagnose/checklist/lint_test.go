package checklist

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

func loadNginx(t *testing.T, http string) *nginxconf.Config {
	t.Helper()
	cfg, err := nginxconf.Load(writeNginx(t, http))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func lint(t *testing.T, http string) []diagnose.Finding {
	t.Helper()
	return lintNginx(context.Background(), loadNginx(t, http), 5*time.Second, nil)
}

func TestLintKeepaliveNeedsHTTP11AndAnEmptyConnection(t *testing.T) {
	const up = "upstream app { server 127.0.0.1:1; keepalive 8; }\n"
	for name, tc := range map[string]struct {
		location string
		missing  []string
	}{
		"neither":     {`proxy_pass http://app;`, []string{"proxy_http_version 1.1;", `proxy_set_header Connection "";`}},
		"no header":   {`proxy_pass http://app; proxy_http_version 1.1;`, []string{`proxy_set_header Connection "";`}},
		"header lost": {`proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Host x;`, []string{`proxy_set_header Connection "";`}},
		"both":        {`proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";`, nil},
	} {
		fs := lint(t, up+"server { listen 127.0.0.1:1; location / { "+tc.location+" } }")
		if len(tc.missing) == 0 {
			if len(fs) != 0 {
				t.Errorf("%s: %+v", name, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].Severity != diagnose.Warning || fs[0].Upstream != "app" {
			t.Fatalf("%s: %+v", name, fs)
		}
		for _, m := range tc.missing {
			if !strings.Contains(fs[0].Fix, m) {
				t.Errorf("%s: fix %q lacks %q", name, fs[0].Fix, m)
			}
		}
	}
	if fs := lint(t, "upstream app { server 127.0.0.1:1; }\nserver { listen 127.0.0.1:1; location / { proxy_pass http://app; } }"); len(fs) != 0 {
		t.Errorf("no keepalive: %+v", fs)
	}
}

func TestLintVariablePass(t *testing.T) {
	fs := lint(t, `server { listen 127.0.0.1:1; location / { set $b app.diag.test; proxy_pass http://$b:8080; } }`)
	if len(fs) != 1 || fs[0].Cause != "dns_failure" || fs[0].Upstream != "app.diag.test:8080" || !strings.Contains(fs[0].Fix, "resolver") {
		t.Fatalf("no resolver: %+v", fs)
	}
	if fs := lint(t, `server { listen 127.0.0.1:1; location / { set $b 127.0.0.1; proxy_pass http://$b:8080; } }`); len(fs) != 0 {
		t.Errorf("an IP needs no resolver: %+v", fs)
	}
	dns := probetest.DNSServer(t, map[string]probetest.Answer{"app.diag.test": {Addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}})
	ok := lint(t, `resolver `+dns+`; server { listen 127.0.0.1:1; location / { set $b app.diag.test; proxy_pass http://$b:8080; } }`)
	if len(ok) != 0 {
		t.Errorf("a name the resolver knows: %+v", ok)
	}
	bad := lint(t, `resolver `+dns+`; server { listen 127.0.0.1:1; location / { set $b gone.diag.test; proxy_pass http://$b:8080; } }`)
	if len(bad) != 1 || bad[0].Severity != diagnose.Critical || bad[0].Upstream != "gone.diag.test:8080" || !strings.Contains(bad[0].Fix, "`set $b gone.diag.test`") {
		t.Fatalf("NXDOMAIN: %+v", bad)
	}
	if !strings.Contains(bad[0].Summary, "gone.diag.test does not exist at nginx's resolver "+dns) {
		t.Errorf("NXDOMAIN summary %q", bad[0].Summary)
	}
	silent := probetest.DNSServer(t, map[string]probetest.Answer{"slow.diag.test": {Drop: true}})
	start := time.Now()
	fs = lintNginx(context.Background(), loadNginx(t, `resolver `+silent+`; server { listen 127.0.0.1:1; location / { set $b slow.diag.test; proxy_pass http://$b; } }`), 500*time.Millisecond, nil)
	if len(fs) != 1 || fs[0].Cause != "dns_failure" || fs[0].Severity != diagnose.Critical {
		t.Fatalf("a resolver that never answers: %+v", fs)
	}
	if !strings.HasPrefix(fs[0].Summary, "nginx's resolver "+silent+" did not answer for slow.diag.test") || strings.Contains(fs[0].Summary, "does not exist") ||
		!strings.Contains(fs[0].Fix, "the DNS server "+silent+" does not answer") || !strings.Contains(fs[0].Fix, "`resolver "+silent+"` at ") {
		t.Errorf("a resolver that never answers: summary %q fix %q", fs[0].Summary, fs[0].Fix)
	}
	t.Logf("a silent resolver took %v", time.Since(start))
}

func TestNginxLogs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nginx.conf")
	conf := "error_log /var/log/e.log warn;\nevents {}\nhttp {\n access_log logs/a.log main;\n access_log syslog:server=127.0.0.1 main;\n access_log off;\n access_log /x/$host.log;\n error_log stderr;\n}\n"
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := nginxconf.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	logs := nginxLogs(cfg)
	if len(logs) != 2 || logs[0].Path != "/var/log/e.log" || logs[1].Path != filepath.Join(dir, "logs/a.log") || logs[1].Format != "nginx_access" {
		t.Fatalf("logs %+v", logs)
	}
}
