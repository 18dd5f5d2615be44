package alerts_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// apacheCauses returns the causes of the Apache table of docs/causes.md
// (section 2b): those Apache's error log is classified into.
func apacheCauses(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/causes.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## 2b. Apache httpd")
	if !ok {
		t.Fatal("docs/causes.md has no section 2b (Apache httpd)")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var causes []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|").FindAllStringSubmatch(section, -1) {
		causes = append(causes, m[1])
	}
	if len(causes) < 10 {
		t.Fatalf("only %d causes in the Apache table of docs/causes.md: %v", len(causes), causes)
	}
	return causes
}

// TestFixHintsPerProxy: wherever an alert gives nginx's fix for a cause
// that Apache's error log reports, it gives Apache's own fix (its
// directives and AH code) for proxy="apache", ahead of the generic one;
// HAProxy's and the AWS load balancers' fixes (aws_hints_test.go) come
// ahead of the generic one too, each labelled with its proxy's name.
func TestFixHintsPerProxy(t *testing.T) {
	apache := apacheCauses(t)
	clause := regexp.MustCompile(`\{\{- (?:if|else if) and \(eq \$labels\.proxy "([a-z_]+)"\) \(eq \$labels\.cause "([a-z_]+)"\) \}\} Fix \(([^)]+)\): `)
	names := map[string]string{"apache": "Apache httpd", "haproxy": "HAProxy", "aws_alb": "AWS ALB", "aws_elb": "AWS Classic ELB"}
	checked := 0
	for _, r := range loadRules(t) {
		desc := r.Annotations["description"]
		if r.Alert == "" || !strings.Contains(desc, "Fix:") {
			continue
		}
		for _, m := range clause.FindAllStringSubmatch(desc, -1) {
			proxy, c, name := m[1], m[2], m[3]
			if names[proxy] != name {
				t.Errorf("%s: the %s fix of %s is labelled %q", r.Alert, proxy, c, name)
			}
			generic := fmt.Sprintf(`{{- else if eq $labels.cause %q }} Fix: `, c)
			if i, j := strings.Index(desc, m[0]), strings.Index(desc, generic); j < i {
				t.Errorf("%s: the %s fix of %s does not come just before its generic fix", r.Alert, proxy, c)
			}
		}
		for _, c := range apache {
			generic := fmt.Sprintf(`eq $labels.cause %q }} Fix: `, c)
			if !strings.Contains(desc, generic) {
				continue
			}
			checked++
			if !strings.Contains(desc, fmt.Sprintf(`(eq $labels.proxy "apache") (eq $labels.cause %q) }} Fix (Apache httpd): `, c)) {
				t.Errorf("%s: a fix for %s but none for proxy=\"apache\"", r.Alert, c)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no alert gives a fix for any cause of Apache's")
	}
}
