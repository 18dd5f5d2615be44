package config

import (
	"strings"
	"testing"
)

func TestContainerLogConfig(t *testing.T) {
	c, err := Parse([]byte(`logs:
  - path: /var/log/containers/ingress-nginx-controller-*_ingress-nginx_controller-*.log
    format: container
    wrapper: cri
  - path: /var/lib/docker/containers/*/*-json.log
    format: container
    wrapper: docker_json
    stdout: {format: nginx_access, log_format: '$remote_addr [$time_local] "$request" $status $upstream_addr $upstream_status', server: web}
    stderr: {format: nginx_error}
  - path: /var/log/pods/*/haproxy/*.log
    format: container
    wrapper: cri
    stderr: {format: haproxy}
`), "k8s.yml")
	if err != nil {
		t.Fatal(err)
	}
	out, errs := c.Logs[0].Streams()
	if c.Logs[0].Wrapper != WrapperCRI || out.Format != FormatNginxAccess || out.LogFormatName != "upstreaminfo" || errs.Format != FormatNginxError {
		t.Errorf("ingress-nginx defaults: %+v / %+v", out, errs)
	}
	out, errs = c.Logs[1].Streams()
	if out.Path != c.Logs[1].Path || out.Server != "web" || !strings.HasPrefix(out.LogFormat, "$remote_addr") || errs.Format != FormatNginxError {
		t.Errorf("docker_json streams: %+v / %+v", out, errs)
	}
	if got := out.FieldError("log_format", errTest); got.Error() != "k8s.yml:8: logs[1].stdout.log_format: test" {
		t.Errorf("a stream's errors are located at its fields: %v", got)
	}
	out, errs = c.Logs[2].Streams()
	if out.Format != "" || errs.Format != FormatHAProxy {
		t.Errorf("a stream left out is not parsed: %+v / %+v", out, errs)
	}
	again, _ := Parse([]byte("# moved down\n\n"+`logs:
  - path: /var/log/containers/ingress-nginx-controller-*_ingress-nginx_controller-*.log
    wrapper: cri
    format: container
`), "other.yml")
	if !again.Logs[0].SameSettings(c.Logs[0]) || c.Logs[1].SameSettings(c.Logs[0]) {
		t.Error("SameSettings ignores where the entries are, and only that")
	}
	if c.Logs[0].UsesLogFormatFrom() {
		t.Error("UsesLogFormatFrom without log_format_from")
	}
}

type testError struct{}

func (testError) Error() string { return "test" }

var errTest = testError{}

func TestInvalidContainerLogConfigs(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"no wrapper": {"logs:\n  - path: /x.log\n    format: container\n",
			"c.yml:2: logs[0].wrapper: missing: give cri (the kubelet's files) or docker_json (Docker's json-file)"},
		"unknown wrapper": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: crio\n",
			`c.yml:4: logs[0].wrapper: unknown wrapper "crio" (known: cri, docker_json)`},
		"wrapper on a plain log": {"logs:\n  - path: /x.log\n    wrapper: cri\n",
			"c.yml:3: logs[0].wrapper: only for format container"},
		"stream on a plain log": {"logs:\n  - path: /x.log\n    format: nginx_access\n    log_format_name: main\n    stdout: {format: nginx_error}\n",
			"c.yml:5: logs[0].stdout: only for format container"},
		"access field at the top": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: cri\n    log_format_name: upstreaminfo\n",
			"c.yml:5: logs[0].log_format_name: give it under stdout or stderr, with the stream's format"},
		"stream without format": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: cri\n    stdout:\n      log_format_name: upstreaminfo\n",
			"c.yml:6: logs[0].stdout.format: missing: give the format of the stream's lines"},
		"nested container": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: cri\n    stderr:\n      format: container\n",
			"c.yml:6: logs[0].stderr.format: a stream's lines are not wrapped again: give nginx_access, nginx_error, haproxy or apache_error"},
		"access stream without log_format": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: cri\n    stdout:\n      format: nginx_access\n",
			"c.yml:6: logs[0].stdout.log_format: give exactly one of log_format, log_format_name and log_format_from"},
		"access field on an error stream": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: docker_json\n    stderr:\n      format: nginx_error\n      server: x\n",
			"c.yml:7: logs[0].stderr.server: only for formats nginx_access and apache_access"},
		"unknown stream field": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: cri\n    stdout: {format: nginx_error, parser: x}\n",
			"c.yml:5: logs[0].stdout.parser: unknown field (known: format, log_format, log_format_escape, log_format_name, log_format_from, server)"},
		"stream not a mapping": {"logs:\n  - path: /x.log\n    format: container\n    wrapper: cri\n    stdout: nginx_access\n",
			`c.yml:5: logs[0].stdout: expected a mapping, got "nginx_access"`},
		"container from syslog": {"syslog:\n  - listen: udp://127.0.0.1:5514\n    routes: {nginx: container}\n",
			`c.yml:3: syslog[0].routes: tag "nginx": format container cannot be read from syslog (use nginx_error, haproxy or apache_error)`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "c.yml")
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got  %v\n want %s", err, tc.want)
			}
		})
	}
}
