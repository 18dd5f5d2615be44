package alerts_test

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/badgateway/badgateway_exporter/cause"
)

// causeMetrics are the metrics whose `cause` label the per-cause alerts
// select on.
var causeMetrics = map[string]bool{
	"badgateway_upstream_errors_total":        true,
	"badgateway_upstream_health_events_total": true,
	"badgateway_probe_failures_total":         true,
}

// alertCauses returns the causes an alert's expr can select: the union,
// over its selectors of cause-labelled metrics, of the causes that pass all
// of the selector's cause matchers.
func alertCauses(t *testing.T, expr string) []cause.Cause {
	t.Helper()
	e, err := promql.ParseExpr(expr)
	if err != nil {
		t.Fatal(err)
	}
	set := map[cause.Cause]bool{}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok || !causeMetrics[vs.Name] {
			return nil
		}
		for _, c := range cause.All() {
			if matchesAll(vs.LabelMatchers, "cause", c.String()) {
				set[c] = true
			}
		}
		return nil
	})
	var out []cause.Cause
	for c := range set {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func matchesAll(ms []*labels.Matcher, name, value string) bool {
	for _, m := range ms {
		if m.Name == name && !m.Matches(value) {
			return false
		}
	}
	return true
}

// runbookAnchors returns the fragment of every `## ` heading of the
// runbook, as GitHub makes them: lower case, spaces to dashes, punctuation
// other than - and _ dropped.
func runbookAnchors(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(runbookFile)
	if err != nil {
		t.Fatal(err)
	}
	drop := regexp.MustCompile(`[^a-z0-9 _-]`)
	anchors := map[string]string{}
	sections := strings.Split("\n"+string(b), "\n## ")
	for _, s := range sections[1:] {
		heading, body, _ := strings.Cut(s, "\n")
		a := strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(strings.TrimSpace(heading)), ""), " ", "-")
		anchors[a] = body
	}
	return anchors
}

// TestAlertAnnotations: every alert has a severity, a signal, a summary, a
// description and a runbook_url into docs/runbook.md whose anchor exists
// for every cause it can fire for; per-cause alerts name upstream and
// cause and give the fix hint of each of their causes (logparse's, the
// one `classify` prints).
func TestAlertAnnotations(t *testing.T) {
	anchors := runbookAnchors(t)
	signals := map[string]bool{"status": true, "cause": true, "probe": true, "correlated": true, "exporter": true}
	for _, r := range loadRules(t) {
		if r.Alert == "" {
			continue
		}
		if s := r.Labels["severity"]; s != "critical" && s != "warning" {
			t.Errorf("%s: severity %q, want critical or warning", r.Alert, s)
		}
		if !signals[r.Labels["signal"]] {
			t.Errorf("%s: signal %q", r.Alert, r.Labels["signal"])
		}
		for _, k := range []string{"summary", "description", "runbook_url"} {
			if strings.TrimSpace(r.Annotations[k]) == "" {
				t.Errorf("%s: no %s", r.Alert, k)
			}
		}
		desc, url := r.Annotations["description"], r.Annotations["runbook_url"]
		base, frag, _ := strings.Cut(url, "#")
		if base != runbookBase {
			t.Errorf("%s: runbook_url %q does not start with %s#", r.Alert, url, runbookBase)
		}
		causes := alertCauses(t, r.Expr)
		var frags []string
		if frag == "{{ $labels.cause }}" {
			for _, c := range causes {
				frags = append(frags, c.String())
			}
			if len(frags) == 0 {
				t.Errorf("%s: runbook_url uses the cause label but the expr selects no cause", r.Alert)
			}
		} else {
			frags = []string{frag}
		}
		for _, f := range frags {
			if _, ok := anchors[f]; !ok {
				t.Errorf("%s: runbook_url fragment #%s is no section of %s", r.Alert, f, runbookFile)
			}
		}
		switch r.Labels["signal"] {
		case "cause", "correlated":
			if !strings.Contains(desc, "$labels.cause") || !strings.Contains(desc, "upstream") {
				t.Errorf("%s: description names neither the cause label nor the upstream", r.Alert)
			}
			for _, c := range causes {
				if !strings.Contains(desc, c.FixHint()) {
					t.Errorf("%s: description lacks the fix hint of %s: %q", r.Alert, c, c.FixHint())
				}
			}
		case "status":
			if !strings.Contains(desc, ".Labels.upstream") || !strings.Contains(desc, ".Labels.cause") {
				t.Errorf("%s: description does not list the upstreams and causes from the logs", r.Alert)
			}
		case "probe":
			if !strings.Contains(desc, "$labels.upstream") || !strings.Contains(desc, ".Labels.cause") {
				t.Errorf("%s: description does not name the upstream and the probe's causes", r.Alert)
			}
		}
	}
}

// TestRunbookSections: one section per cause of the taxonomy, each saying
// what it means, how to confirm it and how to fix it.
func TestRunbookSections(t *testing.T) {
	anchors := runbookAnchors(t)
	for _, c := range cause.All() {
		body, ok := anchors[c.String()]
		if !ok {
			t.Errorf("%s: no section `## %s`", runbookFile, c)
			continue
		}
		for _, part := range []string{"**What it means.**", "**Confirm.**", "**Fix.**"} {
			if !strings.Contains(body, part) {
				t.Errorf("%s: section %s lacks %s", runbookFile, c, part)
			}
		}
	}
}
