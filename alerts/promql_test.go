package alerts_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// promql parses PromQL like Prometheus does by default (no experimental
// syntax: the rules must load in Prometheus 2.42, which promtool checks).
var promql = parser.NewParser(parser.Options{})

// selectorNames parses expr and returns the metric name of every vector
// selector in it, sorted and without duplicates. A selector without a
// literal metric name is an error: it cannot be checked.
func selectorNames(expr string) ([]string, error) {
	e, err := promql.ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" {
			err = fmt.Errorf("selector %s has no literal metric name", vs)
		}
		seen[name] = true
		return nil
	})
	var names []string
	for n := range seen {
		if n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, err
}

// grafanaVar matches Grafana's variable syntaxes: $var, ${var},
// ${var:format} and [[var]].
var grafanaVar = regexp.MustCompile(`\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]`)

// substituteGrafana replaces the Grafana variables of expr with values;
// a variable without a value is an error.
func substituteGrafana(expr string, values map[string]string) (string, error) {
	var missing []string
	out := grafanaVar.ReplaceAllStringFunc(expr, func(m string) string {
		sub := grafanaVar.FindStringSubmatch(m)
		name := sub[1] + sub[2] + sub[3]
		v, ok := values[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("no value for Grafana variable(s) %s in %q", strings.Join(missing, ", "), expr)
	}
	return out, nil
}

// parseValues substitute Grafana's variables for parsing only: any valid
// duration and label value will do.
var parseValues = map[string]string{
	"__rate_interval": "5m",
	"__interval":      "1m",
	"__range":         "1h",
	"__range_s":       "3600",
	"instance":        "proxy1:9502",
	"proxy":           "nginx",
	"upstream":        "10.0.2.14:8080",
	"cause":           "connection_refused",
}

// templateQuery matches the PromQL of an annotation's `query` template
// function, written as a raw string argument of printf.
var templateQuery = regexp.MustCompile("printf `([^`]*)`")

// annotationQueries returns the PromQL of the query calls in an annotation
// template, with printf's verbs replaced by a label value.
func annotationQueries(tmpl string) []string {
	var out []string
	for _, m := range templateQuery.FindAllStringSubmatch(tmpl, -1) {
		out = append(out, strings.NewReplacer("%q", `"x"`, "%s", "x").Replace(m[1]))
	}
	return out
}

// variableQuery returns the PromQL inside a Grafana Prometheus variable
// query: the selector of label_values(selector, label) or the expression
// of query_result(expr); "" for forms without one (label_values(label),
// metrics(re), label_names()).
func variableQuery(q string) string {
	q = strings.TrimSpace(q)
	switch {
	case strings.HasPrefix(q, "label_values(") && strings.HasSuffix(q, ")"):
		args := q[len("label_values(") : len(q)-1]
		i := strings.LastIndex(args, ",")
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(args[:i])
	case strings.HasPrefix(q, "query_result(") && strings.HasSuffix(q, ")"):
		return q[len("query_result(") : len(q)-1]
	}
	return ""
}
