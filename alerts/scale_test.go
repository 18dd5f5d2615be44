package alerts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

// The end-to-end test cannot wait the minutes the shipped rules need (5
// minute windows, `for: 2m`). It loads a copy made by scaleRules, which
// divides every duration of the rules by timeScale and changes nothing else:
//
//   - each rule's `for:`;
//   - in each expr: the range of every range selector and subquery, the
//     subquery step, and every `offset`.
//
// Thresholds, labels and annotations stay as shipped (annotation templates
// keep their 5m windows: they only word the notification). A rule "at least
// 5 failures in 5 minutes, for 2 minutes" becomes "at least 5 failures in
// 10 seconds, for 4 seconds"; rates per second are unchanged. Ranges do not
// go below minScaledRange, so that a 1s scrape interval still gives rate()
// enough samples.
const (
	timeScale      = 30
	minScaledRange = 3 * time.Second
)

// scaleDuration divides d by timeScale, in whole seconds, at least floor.
func scaleDuration(d, floor time.Duration) time.Duration {
	if d == 0 {
		return 0
	}
	s := (d / timeScale).Round(time.Second)
	return max(s, floor)
}

// scaleExpr rewrites the durations of one PromQL expression.
func scaleExpr(expr string) (string, error) {
	e, err := promql.ParseExpr(expr)
	if err != nil {
		return "", err
	}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.MatrixSelector:
			n.Range, n.RangeExpr = scaleDuration(n.Range, minScaledRange), nil
		case *parser.SubqueryExpr:
			n.Range, n.RangeExpr = scaleDuration(n.Range, minScaledRange), nil
			n.Step, n.StepExpr = scaleDuration(n.Step, time.Second), nil
			n.OriginalOffset, n.OriginalOffsetExpr = scaleDuration(n.OriginalOffset, 0), nil
		case *parser.VectorSelector:
			n.OriginalOffset, n.OriginalOffsetExpr = scaleDuration(n.OriginalOffset, 0), nil
		}
		return nil
	})
	return e.String(), nil
}

// scaleRules returns the rule file src with every duration divided by
// timeScale (see above).
func scaleRules(src []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	groups := mappingValue(doc.Content[0], "groups")
	if groups == nil {
		return nil, fmt.Errorf("no groups")
	}
	for _, g := range groups.Content {
		rules := mappingValue(g, "rules")
		if rules == nil {
			continue
		}
		for _, r := range rules.Content {
			if f := mappingValue(r, "for"); f != nil {
				d, err := model.ParseDuration(f.Value)
				if err != nil {
					return nil, fmt.Errorf("for %q: %w", f.Value, err)
				}
				f.Value = model.Duration(scaleDuration(time.Duration(d), time.Second)).String()
			}
			if e := mappingValue(r, "expr"); e != nil {
				scaled, err := scaleExpr(e.Value)
				if err != nil {
					return nil, fmt.Errorf("expr %q: %w", e.Value, err)
				}
				e.Value, e.Style = scaled, 0
			}
		}
	}
	return yaml.Marshal(&doc)
}

// mappingValue returns the value node of key in a YAML mapping node.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// writeScaledRules writes the scaled copy of the shipped rules into dir.
func writeScaledRules(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	scaled, err := scaleRules(src)
	if err != nil {
		t.Fatalf("scaling %s: %v", rulesFile, err)
	}
	path := filepath.Join(dir, "badgateway.scaled.rules.yml")
	if err := os.WriteFile(path, scaled, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScaledRules: the scaled copy loads in Prometheus 2.42, and the
// transformation does what it documents.
func TestScaledRules(t *testing.T) {
	path := writeScaledRules(t, t.TempDir())
	promtool(t, "check", "rules", path)

	var f ruleFile
	readYAML(t, path, &f)
	got := map[string]rule{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			got[r.Alert] = r
		}
	}
	shipped := loadRules(t)
	for _, r := range shipped {
		s := got[r.Alert]
		if s.Annotations["description"] != r.Annotations["description"] || s.Labels["severity"] != r.Labels["severity"] {
			t.Errorf("%s: annotations or labels changed by scaling", r.Alert)
		}
	}
	for alert, want := range map[string][]string{
		"UpstreamConnectionRefused": {"for=4s", "[10s]", ">= 5"},
		"BadgatewayLogStalled":      {"for=10s", "[30s]", "[2m] offset 30s", ">= 60"},
		"BadgatewayExporterDown":    {"for=4s", "[48m]"},
		"UpstreamMarkedDown":        {"for=", "[20s]"},
	} {
		r := got[alert]
		have := "for=" + r.For + " " + r.Expr
		for _, w := range want {
			if !strings.Contains(have, w) {
				t.Errorf("%s scaled: %q lacks %q", alert, have, w)
			}
		}
	}
	for _, c := range []struct{ in, want string }{
		{"rate(x[5m])", "rate(x[10s])"},
		{"max_over_time(x[30s:5s] offset 1h)", "max_over_time(x[3s:1s] offset 2m)"},
		{"x offset 90s", "x offset 3s"},
	} {
		if got, err := scaleExpr(c.in); err != nil || got != c.want {
			t.Errorf("scaleExpr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
