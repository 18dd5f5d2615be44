package alerts_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/badgateway/badgateway_exporter/cause"
)

// awsCauses returns the causes docs/causes.md (section 2c, the rules of
// logparse/awsalb) maps AWS access-log lines to: the status and
// processing-time table, which Application and Classic Load Balancers
// share, and the Lambda error_reason table, which only an ALB logs.
func awsCauses(t *testing.T) (shared, lambda []string) {
	t.Helper()
	byStatus, byReason, ok := strings.Cut(awsSection(t), "Lambda targets")
	if !ok {
		t.Fatal("docs/causes.md section 2c has no Lambda table")
	}
	collect := func(re, text string) []string {
		var out []string
		seen := map[string]bool{"none": true}
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(text, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
		return out
	}
	shared = collect("(?m)^\\| `([a-z_]+)` \\|", byStatus)
	lambda = collect("(?m)\\| `([a-z_]+)` \\|$", byReason)
	for _, want := range []string{"connection_refused", "premature_close", "invalid_header", "no_live_upstreams", "connect_timeout", "read_timeout"} {
		if !contains(shared, want) {
			t.Fatalf("docs/causes.md section 2c: %s missing from the status table %v", want, shared)
		}
	}
	if len(lambda) < 5 {
		t.Fatalf("docs/causes.md section 2c: only %d causes in the Lambda table: %v", len(lambda), lambda)
	}
	return shared, lambda
}

// union returns the strings of a and b, each once.
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// awsSection returns section 2c of docs/causes.md.
func awsSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/causes.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## 2c. AWS load balancers")
	if !ok {
		t.Fatal("docs/causes.md has no section 2c (AWS load balancers)")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	return section
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// errorCauses returns the causes an alert selects from
// badgateway_upstream_errors_total, the only cause-labelled metric AWS
// access logs feed.
func errorCauses(t *testing.T, expr string) map[string]bool {
	t.Helper()
	e, err := promql.ParseExpr(expr)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok || vs.Name != "badgateway_upstream_errors_total" {
			return nil
		}
		for _, c := range cause.All() {
			if matchesAll(vs.LabelMatchers, "cause", c.String()) {
				set[c.String()] = true
			}
		}
		return nil
	})
	return set
}

// renderDescription expands an alert description as Prometheus does for
// an alert with these labels, with the template functions it uses; query
// answers nothing.
func renderDescription(t *testing.T, name, desc string, labels map[string]string) string {
	t.Helper()
	type sample struct {
		Labels map[string]string
		Value  float64
	}
	funcs := template.FuncMap{
		"humanize":           func(v any) string { return fmt.Sprint(v) },
		"humanizePercentage": func(v any) string { return fmt.Sprint(v) },
		"humanizeDuration":   func(v any) string { return fmt.Sprint(v) },
		"query":              func(string) []sample { return nil },
		"first":              func(s []sample) sample { return s[0] },
		"value":              func(s sample) float64 { return s.Value },
	}
	tmpl, err := template.New(name).Funcs(funcs).Option("missingkey=zero").
		Parse("{{$labels := .Labels}}{{$value := .Value}}" + desc)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, map[string]any{"Labels": labels, "Value": 12.0}); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b.String()
}

// TestAWSFixHints: every alert that fires on a cause the AWS mapping
// produces tells an AWS operator what to check on the load balancer, the
// targets and (ALB) the Lambda function, in AWS's terms and not nginx's,
// and links the runbook's AWS checks; other proxies keep their fix.
func TestAWSFixHints(t *testing.T) {
	shared, lambda := awsCauses(t)
	anchors := runbookAnchors(t)
	proxies := []struct {
		proxy, fix string
		causes     []string
	}{
		{"aws_alb", "Fix (AWS ALB): ", union(shared, lambda)},
		{"aws_elb", "Fix (AWS Classic ELB): ", shared}, // a Classic line has no error_reason
	}
	link := regexp.MustCompile(regexp.QuoteMeta(runbookBase) + `#([a-z0-9_-]+)`)
	checked := map[string]bool{}
	for _, r := range loadRules(t) {
		if r.Alert == "" {
			continue
		}
		selects := errorCauses(t, r.Expr)
		for _, p := range proxies {
			for _, c := range p.causes {
				if !selects[c] {
					continue
				}
				labels := map[string]string{"job": "badgateway", "instance": "exporter1:9502", "proxy": p.proxy, "upstream": "10.0.0.2:80", "cause": c}
				got := renderDescription(t, r.Alert, r.Annotations["description"], labels)
				checked[r.Alert+"/"+p.proxy+"/"+c] = true
				if !strings.Contains(got, p.fix) || strings.Count(got, "Fix") != 1 {
					t.Errorf("%s proxy=%s cause=%s: want one %q hint, got %q", r.Alert, p.proxy, c, p.fix, got)
					continue
				}
				hint := got[strings.Index(got, p.fix):]
				m := link.FindStringSubmatch(hint)
				if m == nil || m[1] != "aws-load-balancers" {
					t.Errorf("%s proxy=%s cause=%s: the hint does not link the runbook's AWS checks: %q", r.Alert, p.proxy, c, hint)
				} else if _, ok := anchors[m[1]]; !ok {
					t.Errorf("%s: the hint links #%s, no section of %s", r.Alert, m[1], runbookFile)
				}
				c0, _ := cause.Parse(c)
				labels["proxy"] = "nginx"
				if nginx := renderDescription(t, r.Alert, r.Annotations["description"], labels); !strings.Contains(nginx, "Fix: "+c0.FixHint()) {
					t.Errorf("%s proxy=nginx cause=%s: lost the generic hint %q: %q", r.Alert, c, c0.FixHint(), nginx)
				}
			}
		}
	}
	for _, want := range []string{
		"UpstreamConnectionRefused/aws_alb/connection_refused", "UpstreamConnectionRefused/aws_elb/connection_refused",
		"NoLiveUpstreams/aws_alb/no_live_upstreams", "NoLiveUpstreams/aws_elb/no_live_upstreams",
		"UpstreamTimeouts/aws_alb/read_timeout", "UpstreamTimeouts/aws_elb/connect_timeout",
		"UpstreamErrors/aws_alb/premature_close", "UpstreamErrors/aws_elb/invalid_header",
		"UpstreamErrors/aws_alb/backlog_full", "UpstreamErrors/aws_alb/proxy_internal_error",
		"UpstreamSocketUnavailable/aws_alb/permission_denied",
		"UpstreamDownConfirmed/aws_alb/backlog_full", "UpstreamDownConfirmed/aws_elb/premature_close",
	} {
		if !checked[want] {
			t.Errorf("%s was not checked: does the alert still select that cause?", want)
		}
	}
}
