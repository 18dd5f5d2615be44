package nginxtest

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckListens(t *testing.T) {
	for _, tc := range []struct {
		conf string
		ok   bool
	}{
		{`server { listen 127.0.0.1:8080; }`, true},
		{`server { listen 127.0.0.2:8080 default_server; }`, true},
		{`server { listen [::1]:8080; }`, true},
		{`server { listen localhost:8080; }`, true},
		{`server { listen unix:/tmp/x.sock; }`, true},
		{`server { listen 127.0.0.1:1; location / { return 200 "a;b{"; } } # listen 80;`, true},
		{`upstream u { server 127.0.0.1:1; } server { listen 127.0.0.1:2; }`, true},
		{`server { location / { set $x "${host}"; } listen 127.0.0.1:2; }`, true},
		{`server { listen 8080; }`, false},
		{`server { listen *:8080; }`, false},
		{`server { listen 0.0.0.0:8080; }`, false},
		{`server { listen [::]:8080; }`, false},
		{`server { listen 10.0.0.1:8080; }`, false},
		{`server { listen 127.0.0.1:1; } server { return 200; }`, false},
		{`server { listen 127.0.0.1:1; listen 80; }`, false},
		{`server { listen 127.0.0.1:1;`, false},
		{`listen 127.0.0.1:1;`, false},
	} {
		err := checkListens(tc.conf)
		if (err == nil) != tc.ok {
			t.Errorf("checkListens(%q) = %v, want ok=%v", tc.conf, err, tc.ok)
		}
	}
}

func TestRenderConfig(t *testing.T) {
	conf, err := renderConfig("/tmp/p", 4242, "server { listen {{listen}}; root {{dir}}/www; set $p {{port}}; }", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"daemon off;", "master_process on;", "worker_processes 1;", "user root root;",
		"pid /tmp/p/nginx.pid;", "error_log /tmp/p/logs/error.log info;", "worker_connections 64;",
		"access_log /tmp/p/logs/access.log;", "proxy_temp_path /tmp/p/tmp/proxy;",
		"listen 127.0.0.1:4242;", "root /tmp/p/www;", "set $p 4242;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	if _, err := renderConfig("/tmp/p", 1, "server { listen 127.0.0.1:1; }", false); err == nil {
		t.Error("config without {{listen}} accepted")
	}
	if conf, _ := renderConfig("/tmp/p", 1, "server { listen {{listen}}; }", false); strings.Contains(conf, "user root") {
		t.Error("user root set when not root")
	}
}

// recorder is a testing.TB that records Skipf and Fatalf instead of ending
// the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skipf(f string, args ...any)  { r.skipped = fmt.Sprintf(f, args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }

func TestRequireBinaryMissing(t *testing.T) {
	t.Setenv(EnvBinary, "/nonexistent/nginx")
	for _, tc := range []struct {
		ci, require string
		fail        bool
	}{
		{"", "", false},
		{"false", "", false},
		{"true", "", true},
		{"", "1", true},
	} {
		t.Setenv("CI", tc.ci)
		t.Setenv(EnvRequire, tc.require)
		r := &recorder{TB: t}
		RequireBinary(r)
		msg := r.skipped
		if tc.fail {
			msg = r.failed
		}
		if msg == "" || !strings.Contains(msg, "apt-get install nginx") {
			t.Errorf("CI=%q %s=%q: skipped %q failed %q", tc.ci, EnvRequire, tc.require, r.skipped, r.failed)
		}
	}
}
