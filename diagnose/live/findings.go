package live

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

// recent is how recent an increase of upstream errors must be for the
// finding to be critical; older ones (up to an hour) are warnings.
const recent = 15 * time.Minute

// errorFindings: one finding per (proxy, upstream, cause) whose error
// counter grew within the hour; critical when it grew within recent.
func errorFindings(errs map[group]*tally) []diagnose.Finding {
	var out []diagnose.Finding
	for _, g := range sortedGroups(errs) {
		t := errs[g]
		if t.N[w60] == 0 {
			continue
		}
		f := diagnose.Finding{
			Severity: diagnose.Critical, Check: diagnose.CheckLogs, Cause: clean(g.Label), Upstream: clean(g.Upstream),
			Fix: fixFor(g.Label, g.Proxy), Runbook: diagnose.RunbookFor(g.Label), Seen: t.Last, Failing: true,
		}
		switch {
		case t.N[w5] > 0:
			f.Summary = fmt.Sprintf("%s: %s to %s, %s in the last 5 min", proxyName(g.Proxy), clean(g.Label), clean(g.Upstream), count(t.N[w5]))
		case t.N[w15] > 0:
			f.Summary = fmt.Sprintf("%s: %s to %s, %s in the last 15 min", proxyName(g.Proxy), clean(g.Label), clean(g.Upstream), count(t.N[w15]))
		default:
			f.Severity, f.Failing = diagnose.Warning, false
			f.Summary = fmt.Sprintf("%s: %s to %s earlier, quiet for %v", proxyName(g.Proxy), clean(g.Label), clean(g.Upstream), recent)
		}
		f.Evidence = []string{
			fmt.Sprintf("%s in the last 5 min, %s in 15 min, %s in 60 min (badgateway_upstream_errors_total)", count(t.N[w5]), count(t.N[w15]), count(t.N[w60])),
			fmt.Sprintf("newest by %s, first seen by %s", clock(t.Last), clock(t.First)),
		}
		if s := serverList(t.Servers); s != "" {
			f.Evidence = append(f.Evidence, "server: "+s)
		}
		out = append(out, f)
	}
	return out
}

// probeFindings: a critical finding per failing probe, with the probe
// failures counted over the windows when there are any.
func probeFindings(latest []probe.Latest, failures map[group]*tally) []diagnose.Finding {
	var out []diagnose.Finding
	seen := map[group]int{} // one finding per upstream and cause, however many targets probe it
	for _, l := range latest {
		r, t := l.Result, l.Target
		if r.Success {
			continue
		}
		label := ""
		if r.Cause != cause.None {
			label = r.Cause.String()
		}
		if i, dup := seen[group{"probe", r.Upstream, label}]; dup {
			if t.Where != "" {
				out[i].Evidence = append(out[i].Evidence, "also configured at "+clean(t.Where))
			}
			continue
		}
		seen[group{"probe", r.Upstream, label}] = len(out)
		f := diagnose.Finding{
			Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Cause: label, Upstream: clean(r.Upstream),
			Summary: fmt.Sprintf("probe of %s fails: %s", clean(r.Upstream), cmp.Or(label, "failed")),
			Fix:     fixFor(label, t.Proxy), Runbook: cmp.Or(diagnose.RunbookFor(label), "docs/runbook.md#probe_failing"),
			Seen: r.Start, Failing: true,
		}
		f.Evidence = []string{fmt.Sprintf("%s probe at %s: %s", t.Module, clock(r.Start), clean(strings.Join(strings.Fields(r.Err), " ")))}
		if tl := failures[group{"probe", r.Upstream, label}]; tl != nil && tl.N[w60] > 0 {
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s failed probes in the last 5 min, %s in 15 min, %s in 60 min", count(tl.N[w5]), count(tl.N[w15]), count(tl.N[w60])))
		}
		if t.Where != "" {
			where := "configured at " + clean(t.Where)
			if t.Group != "" {
				where += " (" + proxyName(t.Proxy) + " " + clean(t.Group) + ")"
			}
			f.Evidence = append(f.Evidence, where)
			f.Fix += "; it is configured at " + clean(t.Where)
		}
		out = append(out, f)
	}
	return out
}

// discoveryFindings: warnings for the upstreams that cannot be probed and
// for discovery errors, so that nothing is left out silently.
func discoveryFindings(d probe.Discovery) []diagnose.Finding {
	var out []diagnose.Finding
	for _, u := range d.Unprobeable {
		out = append(out, diagnose.Finding{
			Severity: diagnose.Warning, Check: diagnose.CheckConfig,
			Summary:  "cannot be probed: " + clean(u.What),
			Evidence: []string{clean(u.Where) + ": " + clean(u.What) + ": " + clean(u.Reason)},
			Fix:      "nothing watches this upstream but the logs: add it to probes.targets with a fixed address if it matters",
			Seen:     d.Updated,
		})
	}
	for _, e := range d.Errors {
		out = append(out, diagnose.Finding{
			Severity: diagnose.Warning, Check: diagnose.CheckConfig, Summary: "discovery failed: " + clean(e),
			Evidence: []string{clean(e)}, Fix: "fix the configuration file or the probes.discover setting; the targets found before are kept",
			Seen: d.Updated,
		})
	}
	return out
}

// proxyHints says where each proxy configures its upstreams and how to
// check a change, appended to a cause's fix hint.
var proxyHints = map[string]string{
	"nginx":   "nginx: the server line of the upstream block or proxy_pass (nginx -T shows where); check with nginx -t, apply with nginx -s reload",
	"haproxy": "HAProxy: the server line of the backend in haproxy.cfg; check with haproxy -c -f haproxy.cfg, then reload",
	"apache":  "Apache: the ProxyPass or BalancerMember line; check with apachectl configtest, then apachectl graceful",
}

func fixFor(label, proxy string) string {
	c, _ := cause.Parse(label)
	fix := cmp.Or(c.FixHint(), "see the probe's error")
	if h := proxyHints[proxy]; h != "" {
		fix += ". " + h
	}
	return fix
}

func proxyName(p string) string {
	switch p {
	case "haproxy":
		return "HAProxy"
	case "apache":
		return "Apache"
	case "":
		return "probe"
	}
	return clean(p)
}

// clean makes a value from logs or configurations valid UTF-8: it is
// shown on a page and in JSON. (html/template escapes the markup.)
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func clock(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func count(n float64) string { return fmt.Sprintf("%.0f", n) }

// serverList names at most 5 servers, sorted.
func serverList(servers map[string]bool) string {
	names := slices.Sorted(maps.Keys(servers))
	more := ""
	if len(names) > 5 {
		more = fmt.Sprintf(" and %d more", len(names)-5)
		names = names[:5]
	}
	for i := range names {
		names[i] = clean(names[i])
	}
	return strings.Join(names, ", ") + more
}

func sortedGroups(m map[group]*tally) []group {
	return slices.SortedFunc(maps.Keys(m), func(a, b group) int {
		return cmp.Or(cmp.Compare(a.Proxy, b.Proxy), cmp.Compare(a.Upstream, b.Upstream), cmp.Compare(a.Label, b.Label))
	})
}
