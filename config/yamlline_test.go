package config

import (
	"strings"
	"testing"
)

// A YAML syntax error names the line where the problem is, not the line
// where the enclosing block starts.
func TestSyntaxErrorNamesTheProblemLine(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		want       string
	}{
		{"indent of a list item's key", "logs:\n  - path: /var/log/x.log\n    format: nginx_error\n   from_beginning: true\n", "c.yml:4: yaml: did not find expected '-' indicator"},
		{"tab indent", "logs:\n  - path: /var/log/x.log\n\tformat: nginx_error\n", "c.yml:3: yaml: "},
		{"unclosed quote", "logs:\n  - path: \"/var/log/x.log\n    format: nginx_error\n", "c.yml:2: yaml: found unexpected end of stream"},
		{"key without value after a list", "logs:\n  - path: a\nlimits\n", "c.yml:3: yaml: could not find expected ':'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "c.yml")
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %v, want it to start with %q", err, c.want)
			}
		})
	}
}

// A file too long to search line by line keeps yaml.v3's own message, and
// the search does not parse it once per line.
func TestSyntaxErrorInALongFileKeepsYAMLsMessage(t *testing.T) {
	long := "logs:\n" + strings.Repeat("  - path: /var/log/x.log\n", maxSyntaxSearchLines) + "   bad: indent\n"
	_, err := Parse([]byte(long), "c.yml")
	if err == nil || !strings.HasPrefix(err.Error(), "c.yml: yaml: line ") {
		t.Errorf("error %v, want yaml.v3's message", err)
	}
}
