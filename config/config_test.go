package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadGood(t *testing.T) {
	c, err := Load("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Logs) != 2 {
		t.Fatalf("logs = %d, want 2", len(c.Logs))
	}
	if c.Logs[1].Format != FormatNginxError || !c.Logs[1].FromBeginning {
		t.Errorf("logs[1] = %+v, want default format and from_beginning", c.Logs[1])
	}
	if c.Logs[0].FromBeginning {
		t.Error("logs[0].from_beginning defaulted to true")
	}
	if c.Limits.MaxValuesPerLabel != 50 {
		t.Errorf("max_values_per_label = %d", c.Limits.MaxValuesPerLabel)
	}
}

func TestDefaultsWhenOmitted(t *testing.T) {
	c, err := Parse([]byte("logs:\n  - path: /x.log\n"), "inline.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{MaxValuesPerLabel: DefaultMaxValuesPerLabel, MaxLabelValueBytes: DefaultMaxLabelValueBytes, LabelValueTTL: DefaultLabelValueTTL}
	if c.Limits != want {
		t.Errorf("limits = %+v, want %+v", c.Limits, want)
	}
	if d := Default().Limits; d != want {
		t.Errorf("Default().Limits = %+v, want %+v", d, want)
	}
}

// A configuration that follows nothing is refused, whatever its form; one
// source of any kind is enough.
func TestNothingToDo(t *testing.T) {
	const hint = "nothing to do: add a logs entry (e.g. logs: [{path: /var/log/nginx/error.log}]), a syslog listener (e.g. syslog: [{listen: udp://127.0.0.1:5514}]) or probes targets"
	for name, yml := range map[string]string{
		"nil":      "",
		"blank":    "\n\n",
		"comments": "# logs:\n#   - path: /var/log/nginx/error.log\n",
		"null":     "~\n",
		"document": "---\n",
		"limits":   "limits:\n  max_values_per_label: 5\n",
		"probes":   "probes:\n  targets: []\n  discover: {}\n",
	} {
		_, err := Parse([]byte(yml), name+".yml")
		if err == nil || !strings.HasSuffix(err.Error(), ": "+hint) || !strings.HasPrefix(err.Error(), name+".yml") {
			t.Errorf("%s: error %v, want %s", name, err, hint)
		}
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, errNothingToDo) {
			t.Errorf("%s: %T is not a FieldError wrapping errNothingToDo", name, err)
		}
	}
	for name, yml := range map[string]string{
		"logs":            "logs:\n  - path: /x.log\n",
		"syslog":          "syslog:\n  - listen: udp://127.0.0.1:5514\n",
		"probes targets":  "probes:\n  targets:\n    - upstream: 127.0.0.1:80\n",
		"probes discover": "probes:\n  discover:\n    haproxy_config: /h.cfg\n",
		"apache discover": "probes:\n  discover:\n    apache_config: /etc/apache2/apache2.conf\n",
		"apache binary":   "probes:\n  discover:\n    apache_binary: /usr/sbin/apache2ctl\n    apache_args: [-f, /etc/apache2/apache2.conf]\n",
	} {
		if _, err := Parse([]byte(yml), "ok.yml"); err != nil {
			t.Errorf("%s alone: %v", name, err)
		}
	}
}

func TestInvalidConfigs(t *testing.T) {
	const nothingToDo = "nothing to do: add a logs entry (e.g. logs: [{path: /var/log/nginx/error.log}]), a syslog listener (e.g. syslog: [{listen: udp://127.0.0.1:5514}]) or probes targets"
	for file, want := range map[string]string{
		"invalid-unknown-field.yml":          "testdata/invalid-unknown-field.yml:3: logs[0].fromat: unknown field (known: path, format, from_beginning, log_format, log_format_escape, log_format_name, log_format_from, server, wrapper, stdout, stderr, s3)",
		"invalid-format.yml":                 `testdata/invalid-format.yml:4: logs[1].format: unknown format "nginx_erorr" (known: [nginx_error nginx_access haproxy apache_error apache_access container aws_alb aws_elb])`,
		"invalid-missing-path.yml":           "testdata/invalid-missing-path.yml:2: logs[0].path: missing: give a file path or a glob",
		"invalid-bad-glob.yml":               `testdata/invalid-bad-glob.yml:2: logs[0].path: bad glob "/var/log/nginx/[error.log": syntax error in pattern`,
		"invalid-limit.yml":                  "testdata/invalid-limit.yml:4: limits.max_values_per_label: must be at least 1, got 0",
		"invalid-type.yml":                   "testdata/invalid-type.yml:3: logs[0].from_beginning: cannot unmarshal !!str `sometimes` into bool",
		"invalid-duplicate.yml":              `testdata/invalid-duplicate.yml:2: logs: logs[0] and logs[1] both follow "/var/log/nginx/error.log"`,
		"invalid-logs-not-list.yml":          `testdata/invalid-logs-not-list.yml:1: logs: expected a list, got "/var/log/nginx/error.log"`,
		"invalid-top-level.yml":              "testdata/invalid-top-level.yml:2: limit: unknown field (known: logs, syslog, limits, probes, positions)",
		"invalid-yaml.yml":                   "testdata/invalid-yaml.yml:3: yaml: found a tab character that violates indentation",
		"invalid-positions-sync.yml":         "testdata/invalid-positions-sync.yml:5: positions.sync_period: must be at least 100ms, got 10ms",
		"invalid-positions-file.yml":         "testdata/invalid-positions-file.yml:4: positions.file: missing: give a path, or disabled: true",
		"invalid-empty.yml":                  "testdata/invalid-empty.yml: " + nothingToDo,
		"invalid-nothing-to-do.yml":          "testdata/invalid-nothing-to-do.yml:1: " + nothingToDo,
		"invalid-limit-value-bytes.yml":      "testdata/invalid-limit-value-bytes.yml:2: limits.max_label_value_bytes: must be between 16 and 65536, got 8",
		"invalid-limit-value-bytes-huge.yml": "testdata/invalid-limit-value-bytes-huge.yml:2: limits.max_label_value_bytes: must be between 16 and 65536, got 1000000",
		"invalid-limit-ttl.yml":              "testdata/invalid-limit-ttl.yml:2: limits.label_value_ttl: must be 0 (never expire) or at least 1m0s, got 30s",
		"invalid-limit-ttl-unit.yml":         "testdata/invalid-limit-ttl-unit.yml:2: limits.label_value_ttl: cannot unmarshal !!str `soon` into time.Duration",
	} {
		t.Run(file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", file))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != want {
				t.Errorf("error:\n got  %s\n want %s", err, want)
			}
		})
	}
}

func TestLabelValueLimits(t *testing.T) {
	c, err := Parse([]byte("logs: [{path: /l}]\nlimits:\n  max_label_value_bytes: 64\n  label_value_ttl: 90m\n"), "inline.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{MaxValuesPerLabel: DefaultMaxValuesPerLabel, MaxLabelValueBytes: 64, LabelValueTTL: 90 * time.Minute}
	if c.Limits != want {
		t.Errorf("limits = %+v, want %+v", c.Limits, want)
	}
	never, err := Parse([]byte("logs: [{path: /l}]\nlimits:\n  label_value_ttl: 0s\n"), "inline.yml")
	if err != nil || never.Limits.LabelValueTTL != 0 {
		t.Errorf("label_value_ttl: 0s = %+v, %v; want 0 (never expire)", never, err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load("testdata/does-not-exist.yml"); err == nil {
		t.Fatal("no error for a missing file")
	}
}

func TestPositionsDefaults(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "/var/lib/from-systemd:/var/lib/second")
	c, err := Parse([]byte("logs: [{path: /var/log/nginx/error.log}]\n"), "p.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Positions.File != "/var/lib/from-systemd/positions.json" || c.Positions.SyncPeriod != DefaultPositionsSyncPeriod || c.Positions.Disabled {
		t.Errorf("positions defaults with STATE_DIRECTORY: %+v", c.Positions)
	}
	t.Setenv("STATE_DIRECTORY", "")
	if f := DefaultPositionsFile(); f != DefaultPositionsDir+"/positions.json" {
		t.Errorf("default positions file %s", f)
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if len(c.Logs) != 1 || c.Logs[0].Path != DefaultErrorLog || c.Logs[0].Format != FormatNginxError {
		t.Errorf("Default() = %+v", c)
	}
}
