package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadGoodProbes(t *testing.T) {
	c, err := Load("testdata/good-probes.yml")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Probes
	if p.Interval != 30*time.Second || p.Timeout != 2*time.Second || p.Concurrency != 8 || p.DNSServer != "127.0.0.1:5353" {
		t.Errorf("probes = %+v", p)
	}
	modules := []ProbeModule{}
	for _, tg := range p.Targets {
		modules = append(modules, tg.Module)
	}
	if want := []ProbeModule{"http", "tcp", "tls", "http", "dns"}; !reflect.DeepEqual(modules, want) {
		t.Errorf("modules = %v, want %v (inferred from the http and tls blocks)", modules, want)
	}
	h := p.Targets[0].HTTP
	want := &HTTPProbe{Path: "/health", Host: "app.local", FollowRedirects: true,
		ExpectStatus: []StatusMatch{{200, 200}, {300, 399}, {500, 503}}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("http = %+v, want %+v", h, want)
	}
	if tls := p.Targets[2].TLS; tls.ServerName != "app.bgw.invalid" || tls.CAFile != "/etc/ssl/ca.pem" || p.Targets[2].Group != "app" {
		t.Errorf("targets[2] = %+v %+v", p.Targets[2], tls)
	}
	d := p.Discover
	if d.NginxBinary != "/usr/sbin/nginx" || !reflect.DeepEqual(d.NginxArgs, []string{"-c", "/etc/nginx/nginx.conf"}) ||
		d.HAProxyConfig != "/etc/haproxy/haproxy.cfg" || d.ApacheConfig != "/etc/apache2/apache2.conf" || d.Interval != 5*time.Minute || d.HTTP.Path != "/status" {
		t.Errorf("discover = %+v", d)
	}
	if !p.Enabled() {
		t.Error("not enabled")
	}
}

func TestProbesDefaults(t *testing.T) {
	c, err := Parse([]byte("probes:\n  targets:\n    - upstream: 127.0.0.1:80\n  discover:\n    haproxy_config: /h.cfg\n"), "inline.yml")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Probes
	if p.Interval != DefaultProbeInterval || p.Timeout != DefaultProbeTimeout || p.Concurrency != DefaultProbeConcurrency ||
		p.Discover.Interval != DefaultDiscoveryInterval || p.Targets[0].Module != "tcp" {
		t.Errorf("defaults: %+v", p)
	}
	c, err = Parse([]byte("probes:\n  interval: 3s\n  targets:\n    - upstream: 127.0.0.1:80\n"), "inline.yml")
	if err != nil || c.Probes.Timeout != 1500*time.Millisecond {
		t.Errorf("a short interval without a timeout: %v, %v", c.Probes.Timeout, err)
	}
	c, err = Parse([]byte("logs:\n  - path: /x.log\n"), "inline.yml")
	if err != nil || c.Probes.Enabled() {
		t.Errorf("no probes section: %+v, %v", c.Probes, err)
	}
}

func TestInvalidProbes(t *testing.T) {
	for file, want := range map[string]string{
		"timeout":           "3: probes.timeout: must be shorter than the interval (10s), got 10s",
		"interval":          "2: probes.interval: must be at least 1s (give a unit, e.g. 15s), got 500ms",
		"interval-unit":     "2: probes.interval: cannot unmarshal !!int `15` into time.Duration",
		"concurrency":       "2: probes.concurrency: must be between 1 and 10000, got 0",
		"module":            `4: probes.targets[0].module: unknown module "htp" (known: [tcp http tls dns])`,
		"upstream":          `3: probes.targets[0].upstream: bad address "127.0.0.1": address 127.0.0.1: missing port in address`,
		"missing-upstream":  "3: probes.targets[0].upstream: missing: give host:port, [v6]:port or unix:/path",
		"status":            `5: probes.targets[0].http.expect_status: bad status "700": give a code (200), a class (2xx) or a range (200-299) within 100-599`,
		"http-module":       "5: probes.targets[0].http: only for module http, not tcp",
		"tls-module":        "5: probes.targets[0].tls: only for modules http and tls, not dns",
		"path":              `5: probes.targets[0].http.path: must start with / (or be *), got "health"`,
		"duplicate":         "3: probes.targets: targets[0] and targets[2] both probe 127.0.0.1:80 with module tcp",
		"unknown-field":     "5: probes.targets[0].tls.insecure: unknown field (known: server_name, insecure_skip_verify, ca_file)",
		"nginx-both":        "4: probes.discover.nginx_binary: give nginx_config or nginx_binary, not both",
		"nginx-args":        "4: probes.discover.nginx_args: only with nginx_binary",
		"apache-both":       "4: probes.discover.apache_binary: give apache_config or apache_binary, not both",
		"apache-args":       "4: probes.discover.apache_args: only with apache_binary",
		"dns-server":        `2: probes.dns_server: must be host:port, got "127.0.0.1"`,
		"discover-interval": "4: probes.discover.interval: must be at least 1s (give a unit, e.g. 1m), got 0s",
		"unix":              `3: probes.targets[0].upstream: bad address "unix:": a unix socket needs a path and a tcp, http or tls module`,
		"targets-not-list":  `2: probes.targets: expected a list, got "127.0.0.1:80"`,
		"discover-http":     "5: probes.discover.http.host: unknown field (known: path, expect_status)",
	} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", "invalid-probes-"+file+".yml")
			_, err := Load(path)
			if err == nil {
				t.Fatal("no error")
			}
			if want = path + ":" + want; err.Error() != want {
				t.Errorf("error:\n got  %s\n want %s", err, want)
			}
		})
	}
}

func TestStatusMatchForms(t *testing.T) {
	c, err := Parse([]byte("probes:\n  targets:\n    - upstream: 127.0.0.1:80\n      http: {expect_status: [204, 4xx, 200-201]}\n"), "s.yml")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Probes.Targets[0].HTTP.ExpectStatus
	if want := []StatusMatch{{204, 204}, {400, 499}, {200, 201}}; !reflect.DeepEqual(got, want) {
		t.Errorf("expect_status = %v", got)
	}
	for _, bad := range []string{"6xx", "300-200", "abc", "99"} {
		_, err := Parse([]byte("probes:\n  targets:\n    - upstream: 127.0.0.1:80\n      http: {expect_status: ["+bad+"]}\n"), "s.yml")
		if err == nil || !strings.Contains(err.Error(), "bad status") {
			t.Errorf("expect_status %s: %v", bad, err)
		}
	}
}
