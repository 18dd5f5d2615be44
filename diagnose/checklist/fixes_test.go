package checklist

import (
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

func TestRewritePass(t *testing.T) {
	for _, tc := range []struct{ arg, hp, scheme, want string }{
		{"http://localhost:3000", "127.0.0.1:3000", "", "http://127.0.0.1:3000"},
		{"http://localhost:3000/api/", "127.0.0.1:3000", "", "http://127.0.0.1:3000/api/"},
		{"https://10.0.0.1:8443/x", "", "http", "http://10.0.0.1:8443/x"},
		{"127.0.0.1:9000", "127.0.0.1:9001", "", "127.0.0.1:9001"},
	} {
		if got := rewritePass(tc.arg, tc.hp, tc.scheme); got != tc.want {
			t.Errorf("rewritePass(%q, %q, %q) = %q, want %q", tc.arg, tc.hp, tc.scheme, got, tc.want)
		}
	}
}

func TestFixNamesTheDirective(t *testing.T) {
	pass := &nginxconf.Directive{Name: "proxy_pass", Args: []string{"https://127.0.0.1:8080/app"}, File: "a.conf", Line: 7}
	server := &nginxconf.Directive{Name: "server", Args: []string{"127.0.0.1:8080", "max_fails=3"}, File: "a.conf", Line: 3}
	tlsTarget := probe.Target{Address: "127.0.0.1:8080", Module: probe.ModuleHTTP, TLS: &probe.TLSOptions{}, Proxy: "nginx", Where: "a.conf:7"}
	plainGroup := probe.Target{Address: "127.0.0.1:8080", Module: probe.ModuleHTTP, Group: "app", Proxy: "nginx", Where: "a.conf:3"}
	ha := probe.Target{Address: "127.0.0.1:8080", Module: probe.ModuleHTTP, Upstream: "be/s1", Group: "be", Proxy: "haproxy", Where: "h.cfg:9",
		HTTP: probe.HTTPOptions{Path: "/health"}}
	for _, tc := range []struct {
		t    probe.Target
		r    probe.Result
		d    *nginxconf.Directive
		want string
	}{
		{tlsTarget, probe.Result{Cause: cause.ProtocolError}, pass, "`proxy_pass http://127.0.0.1:8080/app` at a.conf:7"},
		{plainGroup, probe.Result{Cause: cause.ProtocolError}, server, "`proxy_pass https://app`"},
		{plainGroup, probe.Result{Cause: cause.ConnectionRefused, Address: "127.0.0.1:8080"}, server, "`server 127.0.0.1:8080 max_fails=3` at a.conf:3"},
		{ha, probe.Result{Cause: cause.UnhealthyStatus, StatusCode: 404}, nil, "`option httpchk GET <a path that answers 200>`"},
		{ha, probe.Result{Cause: cause.ProtocolError}, nil, "add `ssl verify none`"},
		{plainGroup, probe.Result{Cause: cause.DNSFailure}, server, "getent hosts 127.0.0.1"},
	} {
		if got := fixFor(tc.t, tc.r, tc.d); !strings.Contains(got, tc.want) {
			t.Errorf("%s: fix %q does not contain %q", tc.r.Cause, got, tc.want)
		}
	}
	trap := probe.Target{Address: "localhost:3000", Module: probe.ModuleHTTP, Proxy: "nginx", Where: "a.conf:7"}
	_, fix := addressTrap(trap, probe.Result{Address: "[::1]:3000", Cause: cause.ConnectionRefused}, probe.Result{Address: "127.0.0.1:3000", Success: true},
		&nginxconf.Directive{Name: "proxy_pass", Args: []string{"http://localhost:3000"}, File: "a.conf", Line: 7})
	if !strings.Contains(fix, "`proxy_pass http://127.0.0.1:3000` at a.conf:7") {
		t.Errorf("trap fix %q", fix)
	}
}
