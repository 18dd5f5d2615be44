package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAccessAndSyslogConfig(t *testing.T) {
	c, err := Load("testdata/good-access-syslog.yml")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range c.Logs {
		if l.Format != FormatNginxAccess {
			continue
		}
		p, err := l.AccessParser()
		if err != nil {
			t.Errorf("logs[%d]: %v", i, err)
			continue
		}
		if i == 4 && !p.HasVariable("upstream_addr") {
			t.Errorf("log_format_from did not read upstreaminfo: %v", p.Variables())
		}
	}
	if len(c.Syslog) != 2 || c.Syslog[0].Routes["haproxy"] != FormatHAProxy || c.Syslog[1].Routes["web"] != FormatNginxError {
		t.Errorf("syslog = %+v", c.Syslog)
	}
	if c.Syslog[0].Key() == c.Syslog[1].Key() {
		t.Error("different listeners share a key")
	}
}

func TestInvalidAccessAndSyslogConfigs(t *testing.T) {
	for file, want := range map[string]string{
		"invalid-access-two-formats.yml":        "testdata/invalid-access-two-formats.yml:4: logs[0].log_format_name: give exactly one of log_format, log_format_name and log_format_from",
		"invalid-access-unknown-name.yml":       `testdata/invalid-access-unknown-name.yml:4: logs[0].log_format_name: no built-in log_format "fancy" (use log_format_from to read it from nginx.conf)`,
		"invalid-access-from-missing.yml":       `testdata/invalid-access-from-missing.yml:4: logs[0].log_format_from: no log_format "nosuch" in testdata/nginx/nginx.conf or its includes`,
		"invalid-access-field-on-error-log.yml": "testdata/invalid-access-field-on-error-log.yml:3: logs[0].log_format_name: only for format nginx_access",
		"invalid-syslog-listen.yml":             "testdata/invalid-syslog-listen.yml:2: syslog[0].listen: ",
		"invalid-syslog-route.yml":              `testdata/invalid-syslog-route.yml:3: syslog[0].routes: tag "nginx": format nginx_access cannot be read from syslog (use nginx_error or haproxy)`,
	} {
		t.Run(file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", file))
			if err == nil {
				t.Fatal("no error")
			}
			got := err.Error()
			if file == "invalid-syslog-listen.yml" { // the URL error text is package syslog's
				if len(got) <= len(want) || got[:len(want)] != want {
					t.Errorf("error:\n got  %s\n want prefix %s", got, want)
				}
				return
			}
			if got != want {
				t.Errorf("error:\n got  %s\n want %s", got, want)
			}
		})
	}
}

func TestSyslogRoutesReplaceDefaults(t *testing.T) {
	c, err := Parse([]byte("syslog:\n  - listen: udp://127.0.0.1:5514\n    routes: {myapp: haproxy}\n  - listen: udp://127.0.0.1:5515\n"), "routes.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Syslog[0].Routes; len(got) != 1 || got["myapp"] != FormatHAProxy {
		t.Errorf("given routes = %v, want only myapp", got)
	}
	if got := c.Syslog[1].Routes; got["nginx"] != FormatNginxError || got["haproxy"] != FormatHAProxy {
		t.Errorf("default routes = %v", got)
	}
	if _, err := Parse([]byte("syslog:\n  - listen: udp://127.0.0.1:5514\n    routes: {}\n"), "empty.yml"); err == nil || !strings.Contains(err.Error(), "empty.yml:3: syslog[0].routes: empty") {
		t.Errorf("empty routes: %v", err)
	}
}
