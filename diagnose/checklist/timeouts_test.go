package checklist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/logwindow"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/probe"
)

func TestParseDurations(t *testing.T) {
	for s, want := range map[string]time.Duration{"60s": time.Minute, "1m30s": 90 * time.Second, "500ms": 500 * time.Millisecond, "5": 5 * time.Second, "1h": time.Hour} {
		if got, err := parseNginxDuration(s); err != nil || got != want {
			t.Errorf("nginx %q = %v %v", s, got, err)
		}
	}
	for s, want := range map[string]time.Duration{"30s": 30 * time.Second, "500": 500 * time.Millisecond, "2m": 2 * time.Minute} {
		if got, err := parseHAProxyDuration(s); err != nil || got != want {
			t.Errorf("haproxy %q = %v %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "s", "10x", "1.5s", strings.Repeat("9", 40)} {
		if _, err := parseNginxDuration(bad); err == nil {
			t.Errorf("nginx %q parsed", bad)
		}
	}
}

func TestTieReadTimeoutToTheDirective(t *testing.T) {
	conf := writeNginx(t, "upstream app {\n server 127.0.0.1:5000;\n}\nserver {\n listen 127.0.0.1:1;\n location / {\n  proxy_read_timeout 2s;\n  proxy_buffer_size 4k;\n  proxy_pass http://app;\n }\n location /b { proxy_pass http://127.0.0.1:6000; }\n}")
	in := &Inputs{}
	o := Options{NginxConfig: conf}
	o.setDefaults()
	if err := gatherNginx(t.Context(), in, &o, true, discoverOptionsZero()); err != nil {
		t.Fatal(err)
	}
	s := &logwindow.Summary{Upstreams: []logwindow.Upstream{
		{Name: "127.0.0.1:5000", Causes: []logwindow.CauseCount{{Cause: cause.ReadTimeout, Count: 3}}, Samples: 10, P99: 2 * time.Second},
		{Name: "127.0.0.1:6000", Samples: 100, P99: 55 * time.Second},
	}}
	fs := []diagnose.Finding{
		{Severity: diagnose.Critical, Check: diagnose.CheckLogs, Cause: "read_timeout", Upstream: "127.0.0.1:5000"},
		{Severity: diagnose.Critical, Check: diagnose.CheckLogs, Cause: "header_too_big", Upstream: "127.0.0.1:5000"},
	}
	extra := tieToConfig(in, s, fs)
	if !strings.Contains(fs[0].Fix, "raise `proxy_read_timeout 4s;` at "+conf+":9") || !strings.Contains(strings.Join(fs[0].Evidence, "|"), conf+":9: proxy_read_timeout 2s") {
		t.Errorf("read_timeout: %+v", fs[0])
	}
	if !strings.Contains(fs[1].Fix, "`proxy_buffer_size 16k;") || !strings.Contains(fs[1].Fix, "(4k now)") || !strings.Contains(fs[1].Fix, conf+":10") {
		t.Errorf("header_too_big: %+v", fs[1])
	}
	// 55 s of p99 against nginx's default 60 s: a warning naming the pass directive.
	if len(extra) != 1 || extra[0].Severity != diagnose.Warning || extra[0].Upstream != "127.0.0.1:6000" || !strings.Contains(extra[0].Fix, "`proxy_read_timeout 120s;` at "+conf+":13") {
		t.Errorf("extra %+v", extra)
	}
}

func TestHAProxyTimeoutServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	cfg := "defaults\n  timeout server 30s\nbackend a\n  server s1 127.0.0.1:1\nbackend b\n  timeout server 5s\n  server s1 127.0.0.1:2\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{Proxies: []*Proxy{{Kind: "haproxy", File: path}}}
	a, ok, _ := haproxyTimeoutServer(in, probe.Target{Proxy: "haproxy", Group: "a"})
	b, ok2, _ := haproxyTimeoutServer(in, probe.Target{Proxy: "haproxy", Group: "b"})
	if !ok || !ok2 || a.dur != 30*time.Second || a.where != path+":2" || b.dur != 5*time.Second || b.where != path+":6" {
		t.Fatalf("a %+v b %+v", a, b)
	}
}

// A frontend named like its backend does not hide the backend's own
// timeout behind the defaults'; a directory configuration and `from` are
// read as discover reads them.
func TestHAProxyTimeoutServerSections(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(file, []byte("defaults\n  timeout server 30s\nfrontend app\n  bind :80\nbackend app\n  timeout server 5m\n  server s1 127.0.0.1:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{Proxies: []*Proxy{{Kind: "haproxy", File: file}}}
	st, ok, err := haproxyTimeoutServer(in, probe.Target{Proxy: "haproxy", Group: "app"})
	if !ok || err != nil || st.dur != 5*time.Minute || st.where != file+":6" {
		t.Errorf("frontend and backend app: %+v %v %v, want 5m at line 6", st, ok, err)
	}
	cfgDir := filepath.Join(dir, "conf.d")
	if err := os.Mkdir(cfgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"00-defaults.cfg": "defaults slow\n  timeout server 2m\ndefaults fast\n  timeout server 1s\n",
		"10-app.cfg":      "backend web from slow\n  server s1 127.0.0.1:1\n",
	} {
		if err := os.WriteFile(filepath.Join(cfgDir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in = &Inputs{Proxies: []*Proxy{{Kind: "haproxy", File: cfgDir}}}
	st, ok, err = haproxyTimeoutServer(in, probe.Target{Proxy: "haproxy", Group: "web"})
	if want := filepath.Join(cfgDir, "00-defaults.cfg") + ":2"; !ok || err != nil || st.dur != 2*time.Minute || st.where != want {
		t.Errorf("directory with from: %+v %v %v, want 2m at %s", st, ok, err, want)
	}
}

// A timeout so long it overflows is not read as a negative (or small)
// duration: it is named, file:line, as a config finding.
func TestTimeoutOverflowIsReported(t *testing.T) {
	for _, bad := range []string{"2147483647y", "9223372036854775807", "300000000000d", "0", "0s", "106751d106751d"} {
		if d, err := parseNginxDuration(bad); err == nil {
			t.Errorf("nginx %q = %v, want an error", bad, d)
		}
	}
	if d, err := parseHAProxyDuration("9223372036854775807d"); err == nil {
		t.Errorf("haproxy overflow = %v", d)
	}
	conf := writeNginx(t, "server {\n listen 127.0.0.1:1;\n location / {\n  proxy_read_timeout 2147483647y;\n  proxy_pass http://127.0.0.1:6000;\n }\n}")
	in := &Inputs{}
	o := Options{NginxConfig: conf}
	o.setDefaults()
	if err := gatherNginx(t.Context(), in, &o, true, discoverOptionsZero()); err != nil {
		t.Fatal(err)
	}
	s := &logwindow.Summary{Upstreams: []logwindow.Upstream{{Name: "127.0.0.1:6000", Samples: 100, P99: 55 * time.Second}}}
	extra := tieToConfig(in, s, nil)
	if len(extra) != 1 || extra[0].Check != diagnose.CheckConfig || !strings.Contains(extra[0].Summary, conf+":6") {
		t.Errorf("extra %+v, want one config finding naming %s:6 (writeNginx adds two lines)", extra, conf)
	}
}

func discoverOptionsZero() discover.Options { return discover.Options{} }

func TestAccessParserFromTheAccessLogDirective(t *testing.T) {
	cfg := loadNginx(t, "log_format timing '$remote_addr [$time_local] \"$request\" $status $upstream_addr $upstream_response_time';\naccess_log /tmp/a.log timing;\naccess_log /tmp/b.log nope;")
	logs := nginxLogs(cfg)
	if len(logs) != 2 || logs[0].AccessFormat != "timing" {
		t.Fatalf("logs %+v", logs)
	}
	if p, err := accessParser(logs[0]); err != nil || p == nil {
		t.Errorf("timing: %v", err)
	}
	if _, err := accessParser(logs[1]); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("undeclared format: %v", err)
	}
}
