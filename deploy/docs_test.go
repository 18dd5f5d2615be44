package deploy_test

import (
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The scenario table is written down in several places; these tests keep
// them in step with the table the end-to-end test runs.

func scenarioPaths(proxy string) []string {
	var out []string
	for _, sc := range scenarios {
		if sc.proxy == proxy {
			out = append(out, sc.path)
		}
	}
	return out
}

// TestLoadgenCoversScenarios: the load generator requests every scenario,
// and nothing else.
func TestLoadgenCoversScenarios(t *testing.T) {
	script := readFile(t, "loadgen/loadgen.sh")
	if out, err := exec.Command("sh", "-n", "loadgen/loadgen.sh").CombinedOutput(); err != nil {
		t.Errorf("sh -n loadgen.sh: %v\n%s", err, out)
	}
	for proxy, variable := range map[string]string{"nginx": "NGINX_PATHS", "haproxy": "HAPROXY_PATHS"} {
		m := regexp.MustCompile(`(?m)^` + variable + `="([^"]*)"$`).FindStringSubmatch(script)
		if m == nil {
			t.Errorf("loadgen.sh: no %s=\"…\"", variable)
			continue
		}
		if got, want := strings.Fields(m[1]), scenarioPaths(proxy); !slices.Equal(got, want) {
			t.Errorf("loadgen.sh %s = %v, want %v", variable, got, want)
		}
	}
}

// TestConfigsRouteScenarios: each scenario has its location (nginx) or ACL
// (HAProxy), each of those is a scenario, and the table in the file's
// comment gives the scenario's cause.
func TestConfigsRouteScenarios(t *testing.T) {
	for _, c := range []struct {
		proxy, file string
		route       *regexp.Regexp
	}{
		{"nginx", scenariosConf, regexp.MustCompile(`(?m)^\s*location = (/\S+)`)},
		{"haproxy", haproxyCfg, regexp.MustCompile(`(?m)^\s*use_backend \S+ if \{ path (/\S+) \}`)},
	} {
		text := readFile(t, c.file)
		var routed []string
		for _, m := range c.route.FindAllStringSubmatch(text, -1) {
			routed = append(routed, m[1])
		}
		if want := scenarioPaths(c.proxy); !slices.Equal(routed, want) {
			t.Errorf("%s routes %v, want the scenarios %v", c.file, routed, want)
		}
		for _, sc := range scenarios {
			if sc.proxy != c.proxy {
				continue
			}
			cause := sc.cause
			if cause == "" {
				cause = "-"
			}
			row := regexp.MustCompile(`(?m)^#\s+` + regexp.QuoteMeta(sc.path) + `\s.*\s` + fmt.Sprint(sc.status) + `\s.*` + regexp.QuoteMeta(cause))
			if !row.MatchString(text) {
				t.Errorf("%s: the comment table has no row for %s with %d and %s", c.file, sc.path, sc.status, cause)
			}
		}
	}
}

// TestReadmeCoversScenarios: the README's table has a row for each
// scenario with its status and cause.
func TestReadmeCoversScenarios(t *testing.T) {
	text := readFile(t, "../README.md")
	for _, sc := range scenarios {
		cause := "—"
		if sc.cause != "" {
			cause = "`" + sc.cause + "`"
		}
		row := regexp.MustCompile(`(?m)^\| ` + sc.proxy + ` \| ` + "`" + regexp.QuoteMeta(sc.path) + "`" +
			` \|.*\| ` + fmt.Sprint(sc.status) + ` \| ` + regexp.QuoteMeta(cause))
		if !row.MatchString(text) {
			t.Errorf("README.md: no row for %s %s with %d and %s", sc.proxy, sc.path, sc.status, cause)
		}
	}
}
