package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestAccessAndSyslogConfig(t *testing.T) {
	c, err := Load("testdata/good-access-syslog.yml")
	if err != nil {
		t.Fatal(err)
	}
	// Its access-log formats compile: collector's TestAccessParsersCompile.
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
		"invalid-access-field-on-error-log.yml": "testdata/invalid-access-field-on-error-log.yml:3: logs[0].log_format_name: only for formats nginx_access and apache_access",
		"invalid-syslog-listen.yml":             "testdata/invalid-syslog-listen.yml:2: syslog[0].listen: ",
		"invalid-syslog-route.yml":              `testdata/invalid-syslog-route.yml:3: syslog[0].routes: tag "nginx": format nginx_access cannot be read from syslog (use nginx_error, haproxy or apache_error)`,
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

// Config checks the shape of an access log's format and nothing more: it
// reads no nginx.conf and compiles no format (package collector does).
func TestAccessFormatShape(t *testing.T) {
	const head = "logs:\n  - path: /a\n    format: nginx_access\n"
	for yml, want := range map[string]string{
		"":                     "t.yml:2: logs[0].log_format: give exactly one of log_format, log_format_name and log_format_from",
		"    log_format: ''\n": "t.yml:4: logs[0].log_format: give exactly one of log_format, log_format_name and log_format_from",
		"    log_format_name: combined\n    log_format_escape: json\n": "t.yml:4: logs[0].log_format_name: log_format_escape goes with an inline log_format",
		"    log_format_from: {config: /etc/nginx/nginx.conf}\n":       "t.yml:4: logs[0].log_format_from: log_format_from needs both config and name",
		"    log_format_from:\n      name: main\n":                     "t.yml:5: logs[0].log_format_from: log_format_from needs both config and name",
	} {
		if _, err := Parse([]byte(head+yml), "t.yml"); err == nil || err.Error() != want {
			t.Errorf("%q:\n got  %v\n want %s", yml, err, want)
		}
	}
	for _, yml := range []string{
		"    log_format_from: {config: /nonexistent/nginx.conf, name: main}\n",
		"    log_format_name: no-such-built-in\n",
		"    log_format: '$status$status'\n",
		"    log_format: '$status'\n    log_format_escape: yaml\n",
	} {
		if _, err := Parse([]byte(head+yml), "t.yml"); err != nil {
			t.Errorf("%q: %v (config does not compile formats)", yml, err)
		}
	}
}

// FieldError locates a later error as loading would have; SameSettings
// ignores where the entry was.
func TestLogConfigFieldError(t *testing.T) {
	c, err := Parse([]byte("# moved\nlogs:\n  - path: /b\n  - path: /a\n    format: nginx_access\n    log_format_from:\n      config: x.conf\n      name: main\n"), "t.yml")
	if err != nil {
		t.Fatal(err)
	}
	lc := c.Logs[1]
	cause := errors.New("no log_format")
	got := lc.FieldError(lc.LogFormatField(), cause)
	if want := "t.yml:7: logs[1].log_format_from: no log_format"; got.Error() != want || !errors.Is(got, cause) {
		t.Errorf("FieldError = %v, want %s wrapping the cause", got, want)
	}
	var fe *FieldError
	if !errors.As(got, &fe) || fe.File != "t.yml" || fe.Line != 7 {
		t.Errorf("not a located *FieldError: %#v", got)
	}
	if got := lc.FieldError("server", cause).Error(); got != "t.yml:4: logs[1].server: no log_format" {
		t.Errorf("a field not given is located at its entry: %s", got)
	}
	again, err := Parse([]byte("logs:\n  - path: /a\n    format: nginx_access\n    log_format_from: {config: x.conf, name: main}\n"), "u.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !lc.SameSettings(again.Logs[0]) || lc.SameSettings(c.Logs[0]) {
		t.Error("SameSettings compares where the entries are, or not what they say")
	}
	plain := LogConfig{Path: "/p"}
	if got := plain.FieldError("log_format", cause).Error(); got != "log /p: log_format: no log_format" {
		t.Errorf("an entry not read from a file: %s", got)
	}
}

// apache_access takes log_format (a LogFormat string) or log_format_name
// (a nickname), not nginx's escaping or log_format_from.
func TestApacheAccessFormatShape(t *testing.T) {
	const head = "logs:\n  - path: /a\n    format: apache_access\n"
	for yml, want := range map[string]string{
		"": "t.yml:2: logs[0].log_format: give exactly one of log_format, log_format_name and log_format_from",
		"    log_format: '%h %>s'\n    log_format_escape: json\n": "t.yml:5: logs[0].log_format_escape: only for format nginx_access " +
			"(Apache escapes as it does, and its LogFormat is given inline or by nickname)",
		"    log_format_from: {config: /etc/nginx/nginx.conf, name: main}\n": "t.yml:4: logs[0].log_format_from: only for format nginx_access " +
			"(Apache escapes as it does, and its LogFormat is given inline or by nickname)",
	} {
		if _, err := Parse([]byte(head+yml), "t.yml"); err == nil || err.Error() != want {
			t.Errorf("%q:\n got  %v\n want %s", yml, err, want)
		}
	}
	for _, yml := range []string{"    log_format: '%h %>s %{BALANCER_WORKER_NAME}e'\n    server: www\n", "    log_format_name: combined\n"} {
		c, err := Parse([]byte(head+yml), "t.yml")
		if err != nil {
			t.Errorf("%q: %v", yml, err)
			continue
		}
		if c.Logs[0].Format != FormatApacheAccess || !c.Logs[0].Format.IsAccess() {
			t.Errorf("%q: format %q", yml, c.Logs[0].Format)
		}
	}
}
