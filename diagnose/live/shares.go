package live

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// The 5xx share of an upstream's requests over the last 5 minutes that
// makes a finding, as the High502ErrorRate alert counts: critical from 5 %
// with at least 5 of them, a warning from 1 %.
const (
	criticalShare = 0.05
	criticalCount = 5
	warningShare  = 0.01
)

// shareFindings reads the access-log counters: per proxy and upstream,
// the share of requests answered 5xx in the last 5 minutes.
func shareFindings(reqs map[group]*tally) []diagnose.Finding {
	type upstream struct{ proxy, upstream string }
	total, bad := map[upstream]float64{}, map[upstream]map[string]float64{}
	total15, bad15 := map[upstream]float64{}, map[upstream]float64{}
	for g, t := range reqs {
		u := upstream{g.Proxy, g.Upstream}
		total[u] += t.N[w5]
		total15[u] += t.N[w15]
		if !strings.HasPrefix(g.Label, "5") || len(g.Label) != 3 {
			continue
		}
		if bad[u] == nil {
			bad[u] = map[string]float64{}
		}
		bad[u][g.Label] += t.N[w5]
		bad15[u] += t.N[w15]
	}
	var out []diagnose.Finding
	for _, u := range slices.SortedFunc(maps.Keys(bad), func(a, b upstream) int {
		return cmp.Or(cmp.Compare(a.proxy, b.proxy), cmp.Compare(a.upstream, b.upstream))
	}) {
		var n float64
		for _, v := range bad[u] {
			n += v
		}
		share := n / total[u]
		if n == 0 || share < warningShare {
			continue
		}
		sev := diagnose.Warning
		if share >= criticalShare && n >= criticalCount {
			sev = diagnose.Critical
		}
		who := "requests passed to " + clean(u.upstream)
		if u.upstream == "" {
			who = "requests not passed to an upstream"
		}
		statuses, top := statusList(bad[u])
		out = append(out, diagnose.Finding{
			Severity: sev, Check: diagnose.CheckLogs, Upstream: clean(u.upstream), Failing: true,
			Summary: fmt.Sprintf("%s: %.1f %% of %s answered 5xx in the last 5 min", proxyName(u.proxy), 100*share, who),
			Evidence: []string{
				fmt.Sprintf("%s of %s requests in the last 5 min (%s), %s of %s in 15 min (badgateway_requests_total)",
					count(n), count(total[u]), statuses, count(bad15[u]), count(total15[u])),
			},
			Fix:     "the findings of this upstream's causes say why; a 5xx with no upstream error logged is the application's own: read its logs",
			Runbook: "docs/runbook.md#http_" + top,
		})
	}
	return out
}

// statusList renders "502×30, 504×7", most frequent first, and names the
// most frequent of 502, 503 and 504 (the runbook has those).
func statusList(m map[string]float64) (string, string) {
	codes := slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	var parts []string
	top := "502"
	found := false
	for _, c := range codes {
		if m[c] == 0 {
			continue
		}
		parts = append(parts, clean(c)+"×"+count(m[c]))
		if !found && (c == "502" || c == "503" || c == "504") {
			top, found = c, true
		}
	}
	return strings.Join(parts, ", "), top
}
