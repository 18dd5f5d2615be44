package checklist

import "github.com/badgateway/badgateway_exporter/diagnose"

// mergeDuplicates folds findings of the same check, cause and upstream
// (one upstream both configured and discovered) into the first one.
func mergeDuplicates(r *diagnose.Report) {
	type key struct{ check, cause, upstream, summary string }
	first := map[key]int{}
	out := r.Findings[:0]
	for _, f := range r.Findings {
		k := key{f.Check, f.Cause, f.Upstream, f.Summary}
		if i, ok := first[k]; ok && f.Upstream != "" {
			out[i].Evidence = append(out[i].Evidence, f.Evidence...)
			out[i].Count += f.Count
			continue
		}
		first[k] = len(out)
		out = append(out, f)
	}
	r.Findings = foldProxyLevel(foldProbeIntoService(out))
}

// foldProbeIntoService folds the critical findings of one cause at one
// upstream into one: the service check's (its fix names the process that
// listens elsewhere), else the network check's (the firewall rule, route,
// SELinux boolean or OOM kill that explains the failure, with the command
// that undoes it), else the probe's; the others' evidence, and the log
// lines counted, become evidence of it.
func foldProbeIntoService(fs []diagnose.Finding) []diagnose.Finding {
	type key struct{ cause, upstream string }
	rank := map[string]int{diagnose.CheckService: 4, diagnose.CheckNetwork: 3, diagnose.CheckConnectivity: 2, diagnose.CheckLogs: 1}
	foldable := func(f diagnose.Finding) bool {
		return rank[f.Check] > 0 && f.Upstream != "" && f.Cause != "" && f.Severity == diagnose.Critical
	}
	best := map[key]int{}
	for i, f := range fs {
		k := key{f.Cause, f.Upstream}
		if j, ok := best[k]; foldable(f) && (!ok || rank[f.Check] > rank[fs[j].Check]) {
			best[k] = i
		}
	}
	drop := make([]bool, len(fs))
	for i, f := range fs {
		j := best[key{f.Cause, f.Upstream}]
		if !foldable(f) || j == i {
			continue
		}
		into := &fs[j]
		if f.Check == diagnose.CheckLogs {
			into.Evidence = append(into.Evidence, f.Summary)
		}
		into.Evidence = append(into.Evidence, f.Evidence...)
		absorb(into, f)
		drop[i] = true
	}
	return without(fs, drop)
}

// foldProxyLevel folds the logs check's count of a failure of the proxy
// itself (no upstream) into the host check's finding of the same cause,
// which names the directive to raise: one finding, with the count as
// evidence.
func foldProxyLevel(fs []diagnose.Finding) []diagnose.Finding {
	host := map[string]int{} // cause → index of the network finding
	for i, f := range fs {
		if _, ok := host[f.Cause]; !ok && f.Check == diagnose.CheckNetwork && f.Upstream == "" && f.Cause != "" {
			host[f.Cause] = i
		}
	}
	drop := make([]bool, len(fs))
	for i, f := range fs {
		j, ok := host[f.Cause]
		if !ok || f.Check != diagnose.CheckLogs || f.Upstream != "" {
			continue
		}
		into := &fs[j]
		into.Evidence = append([]string{f.Summary}, into.Evidence...)
		absorb(into, f)
		drop[i] = true
	}
	return without(fs, drop)
}

// absorb adds the count and the newest sighting of f, folded into into.
func absorb(into *diagnose.Finding, f diagnose.Finding) {
	into.Count += f.Count
	if f.Seen.After(into.Seen) {
		into.Seen = f.Seen
	}
}

// without returns fs without the findings drop marks (in place).
func without(fs []diagnose.Finding, drop []bool) []diagnose.Finding {
	out := fs[:0]
	for i, f := range fs {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out
}
