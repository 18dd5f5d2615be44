package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Help says what the tool reads and what each command takes: serve's flags
// are in the top-level --help, not in classify's; --proxy lists its values.
func TestHelpListsEachCommandsOwnFlags(t *testing.T) {
	var top, cls bytes.Buffer
	if code := run([]string{"--help"}, strings.NewReader(""), &top, &top); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	if code := run([]string{"classify", "--help"}, strings.NewReader(""), &cls, &cls); code != 0 {
		t.Fatalf("classify --help: exit %d", code)
	}
	for _, want := range []string{"nginx, HAProxy and Apache httpd upstream failures", "--config.file=FILE", "--web.listen-address", "web.systemd-socket", "--proxy=auto"} {
		if !strings.Contains(top.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, top.String())
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(cls.String()), " "), "auto (decides per line), nginx, haproxy, apache, aws_alb or aws_elb") {
		t.Errorf("classify --help does not list --proxy's values:\n%s", cls.String())
	}
	for _, serveOnly := range []string{"--config.file", "--web.listen-address", "--web.max-requests"} {
		if strings.Contains(cls.String(), serveOnly) {
			t.Errorf("classify --help lists the serve flag %s:\n%s", serveOnly, cls.String())
		}
	}
	if _, stderr, code := classifyRun(t, "", "--config.file=x.yml", "../../examples/logs/error.log"); code != 2 || !strings.Contains(stderr, "config.file") {
		t.Errorf("classify accepted a serve flag: exit %d, %s", code, stderr)
	}
}

// The README's sample --config.check error is what the exporter prints.
func TestReadmeConfigCheckSampleIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	bad := "logs:\n  - path: /var/log/nginx/error.log\n  - path: /var/log/nginx/other.log\n    format: nginx_erorr\n"
	if err := os.WriteFile("bad.yml", []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--config.file=bad.yml", "--config.check"}, strings.NewReader(""), &out, &errOut); code == 0 {
		t.Fatalf("bad.yml accepted: %s", out.String())
	}
	_, errField, ok := strings.Cut(strings.TrimSpace(errOut.String()), " err=")
	if !ok {
		t.Fatalf("no err= in %q", errOut.String())
	}
	if !strings.Contains(string(readme), `msg="Invalid configuration" err=`+errField+"\n") {
		t.Errorf("README.md's --config.check sample is out of date; the exporter prints err=%s", errField)
	}
}
