package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/config"
)

func TestAccessParsersCompile(t *testing.T) {
	c, err := config.Load("testdata/good-access-syslog.yml")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range c.Logs {
		if l.Format != config.FormatNginxAccess {
			continue
		}
		p, err := accessParser(l)
		if err != nil {
			t.Errorf("logs[%d]: %v", i, err)
			continue
		}
		if i == 4 && !p.HasVariable("upstream_addr") {
			t.Errorf("log_format_from did not read upstreaminfo: %v", p.Variables())
		}
	}
	if err := CheckConfig(c); err != nil {
		t.Error(err)
	}
}

// A format that does not compile, a built-in that does not exist, a
// log_format_from that cannot be read: the configuration loads (its shape
// is right) and Apply and CheckConfig refuse it with the error located at
// the entry's field, as loading did when config compiled formats.
func TestAccessFormatErrorsLocated(t *testing.T) {
	wants := map[string]string{
		"testdata/invalid-access-unknown-name.yml": `testdata/invalid-access-unknown-name.yml:4: logs[0].log_format_name: no built-in log_format "fancy" (use log_format_from to read it from nginx.conf)`,
		"testdata/invalid-access-from-missing.yml": `testdata/invalid-access-from-missing.yml:4: logs[0].log_format_from: no log_format "nosuch" in testdata/nginx/nginx.conf or its includes`,
	}
	const head = "logs:\n  - path: /a\n    format: nginx_access\n"
	inline := map[string]string{
		head + "    log_format: '$status$upstream_addr'\n":                                           "test.yml:4: logs[0].log_format: log_format: variables $status and $upstream_addr have no literal text between them, so where one value ends and the next begins cannot be found: separate them (e.g. with a space)",
		head + "    log_format: '${status'\n":                                                        `test.yml:4: logs[0].log_format: log_format: the closing bracket in "${status" variable is missing`,
		head + "    log_format: '$ x'\n":                                                             "test.yml:4: logs[0].log_format: log_format: invalid parameter \"$ x\": `$` must be followed by a variable name",
		head + "    log_format: '$status'\n    log_format_escape: yaml\n":                            `test.yml:4: logs[0].log_format: log_format: unknown escaping "yaml": want default, json or none`,
		head + "    log_format_from: {config: testdata/nosuch.conf, name: main}\n":                   `test.yml:4: logs[0].log_format_from: reading log_format "main": reading nginx config: open testdata/nosuch.conf: no such file or directory`,
		head + "    log_format_from:\n      config: testdata/nginx/nginx.conf\n      name: nosuch\n": `test.yml:5: logs[0].log_format_from: no log_format "nosuch" in testdata/nginx/nginx.conf or its includes`,
		"logs:\n  - path: /b\n  - path: /a\n    format: nginx_access\n    log_format_name: fancy\n":  `test.yml:5: logs[1].log_format_name: no built-in log_format "fancy" (use log_format_from to read it from nginx.conf)`,
		"logs:\n  - {path: /a, format: nginx_access, log_format_name: fancy}\n":                      `test.yml:2: logs[0].log_format_name: no built-in log_format "fancy" (use log_format_from to read it from nginx.conf)`,
	}
	for file, want := range wants {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		checkFormatRefused(t, data, file, want)
	}
	for yml, want := range inline {
		checkFormatRefused(t, []byte(yml), "test.yml", want)
	}
}

func checkFormatRefused(t *testing.T, data []byte, file, want string) {
	t.Helper()
	cfg, err := config.Parse(data, file)
	if err != nil {
		t.Fatalf("%s: config refused its shape: %v", file, err)
	}
	if err := CheckConfig(cfg); err == nil || err.Error() != want {
		t.Errorf("CheckConfig %q:\n got  %v\n want %s", data, err, want)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(cfg); err == nil || err.Error() != want {
		t.Errorf("Apply %q:\n got  %v\n want %s", data, err, want)
	}
	if len(c.sources) != 0 || testutil.ToFloat64(c.m.ReloadSuccess) != 0 {
		t.Errorf("%q: a refused format started %v", data, keysOf(c.sources))
	}
}

// A reload of the same entries at other lines of the file changes nothing:
// where an entry is is not one of its settings.
func TestApplyEntryMovedInFileUnchanged(t *testing.T) {
	log := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	entry := fmt.Sprintf("  - path: %s\n    format: nginx_access\n    log_format_name: combined\n", log)
	if err := c.Apply(parse(t, "logs:\n"+entry)); err != nil {
		t.Fatal(err)
	}
	moved := parse(t, "# a comment\nlogs:\n  - path: /elsewhere.log\n"+entry)
	c.mu.Lock()
	plan, err := c.prepareLogs(moved.Logs)
	c.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.changed) != 0 || len(plan.start) != 1 || plan.start[0].lc.Path != "/elsewhere.log" {
		t.Errorf("plan after moving the entry: changed %v, start %v; want only /elsewhere.log started", plan.changed, plan.start)
	}
}
