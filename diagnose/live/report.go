package live

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

// maxRows is how many rows the "what is failing now" table shows, and
// maxFindings how many findings the page lists (a flood of failing
// upstreams must not make a page of megabytes).
const (
	maxRows     = 25
	maxFindings = 200
)

// Row is one line of the "what is failing now" table: a source (the proxy
// whose log counted it, or "probe"), an upstream and a cause, with the
// failures counted in the last 5, 15 and 60 minutes.
type Row struct {
	Source, Upstream, Cause string
	N5, N15, N60            float64
}

// View is what the page shows: the report, the table, and how far back
// the history goes.
type View struct {
	Report diagnose.Report
	Rows   []Row
	// HistorySince is the oldest sample: when it is newer than an hour
	// ago, the longer windows cover only the time since then.
	HistorySince time.Time
	Interval     time.Duration // the page is recomputed at most this often
	Truncated    bool          // a counter had more series than the cap
}

// build turns the window statistics and the probe state into the view.
// It is pure: the page gathers, the tests feed it.
func build(now time.Time, stats [numWindows]map[key]Stat, latest []probe.Latest, d probe.Discovery) View {
	errs := tallies(stats, KindError, byCause)
	probes := tallies(stats, KindProbeFailure, byProbeCause)
	reqs := tallies(stats, KindRequest, byCause)

	var fs []diagnose.Finding
	fs = append(fs, errorFindings(errs)...)
	fs = append(fs, probeFindings(latest, probes)...)
	fs = append(fs, shareFindings(reqs)...)
	fs = append(fs, discoveryFindings(d)...)
	diagnose.Sort(fs)
	if len(fs) > maxFindings {
		left := len(fs) - maxFindings
		fs = append(fs[:maxFindings:maxFindings], diagnose.Finding{
			Severity: diagnose.Info, Check: diagnose.CheckLogs,
			Summary:  fmt.Sprintf("%d more findings left out", left),
			Evidence: []string{fmt.Sprintf("the page shows the %d most severe and newest of %d", maxFindings, maxFindings+left)},
			Fix:      "fix the ones above first; the table and the metrics have the rest",
		})
	}
	for i := range fs {
		if fs[i].Evidence == nil {
			fs[i].Evidence = []string{}
		}
	}
	if fs == nil {
		fs = []diagnose.Finding{}
	}
	return View{
		Report: diagnose.Report{Findings: fs, Checked: checked(errs, latest), Time: now},
		Rows:   rows(errs, probes),
	}
}

// rows is the table: the groups of errors and probe failures that grew in
// the last hour, most in the last 5 minutes first.
func rows(tallies ...map[group]*tally) []Row {
	var out []Row
	for _, m := range tallies {
		for g, t := range m {
			if t.N[w60] == 0 {
				continue
			}
			out = append(out, Row{Source: proxyName(g.Proxy), Upstream: clean(g.Upstream), Cause: clean(g.Label),
				N5: t.N[w5], N15: t.N[w15], N60: t.N[w60]})
		}
	}
	slices.SortFunc(out, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.N5, a.N5), cmp.Compare(b.N15, a.N15), cmp.Compare(b.N60, a.N60),
			cmp.Compare(a.Source, b.Source), cmp.Compare(a.Upstream, b.Upstream), cmp.Compare(a.Cause, b.Cause))
	})
	if len(out) > maxRows {
		out = out[:maxRows]
	}
	return out
}

// pageSkips are the checks of the command that the page does not run: it
// reads the exporter's counters and probes, not the host.
var pageSkips = []diagnose.Skipped{
	{Check: diagnose.CheckService, Reason: "the page reads the exporter's counters and probes only: run `badgateway_exporter diagnose` on the host"},
	{Check: diagnose.CheckConfig, Reason: "nginx -t, haproxy -c and the lint: run `badgateway_exporter diagnose` on the host"},
	{Check: diagnose.CheckNetwork, Reason: "run `badgateway_exporter diagnose` on the host"},
}

const maxChecked = 200

func checked(errs map[group]*tally, latest []probe.Latest) diagnose.Checked {
	proxies, ups := map[string]bool{}, map[string]bool{}
	for g := range errs {
		proxies[clean(g.Proxy)] = true
		ups[clean(g.Upstream)] = true
	}
	for _, l := range latest {
		if l.Target.Proxy != "" {
			proxies[clean(l.Target.Proxy)] = true
		}
		ups[clean(l.Result.Upstream)] = true
	}
	upstreams := slices.Sorted(maps.Keys(ups))
	if len(upstreams) > maxChecked {
		upstreams = upstreams[:maxChecked]
	}
	return diagnose.Checked{
		Proxies: slices.Sorted(maps.Keys(proxies)), Configs: []string{}, Logs: []string{},
		Upstreams: upstreams, Since: windows[w60].String(),
		Ran:     []string{diagnose.CheckLogs, diagnose.CheckConnectivity}, // from the counters and the probes
		Skipped: slices.Clone(pageSkips),
	}
}
