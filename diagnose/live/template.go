package live

import (
	"html/template"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// RunbookBase is where the page links a finding's runbook
// ("docs/runbook.md#cause"): the exporter does not serve its docs.
const RunbookBase = "https://github.com/badgateway/badgateway_exporter/blob/main/"

var pageFuncs = template.FuncMap{
	"clock": clock,
	"count": count,
	"runbookURL": func(r string) string {
		if !strings.HasPrefix(r, "docs/") {
			return ""
		}
		return RunbookBase + r
	},
	"partial":  func(since, now time.Time) bool { return since.After(now.Add(-windows[w60])) },
	"sevClass": func(s diagnose.Severity) string { return s.String() },
}

// pageTemplate is the HTML page: html/template escapes every value (label
// values come from hostile logs); no script, no external resource, inline
// CSS that reads on a laptop and on a phone.
var pageTemplate = template.Must(template.New("diagnose").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="x-dns-prefetch-control" content="off">
<title>Diagnose: why 502s</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 12px 24px;max-width:1100px;line-height:1.4;color:#222}
h1{font-size:1.5em;margin:16px 0 4px}h2{font-size:1.2em;margin:24px 0 8px;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:.9em}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e4e4e4;padding:4px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th,table code{white-space:nowrap;word-break:normal}
code{font-family:ui-monospace,monospace;word-break:break-all}
article{border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;padding:8px 12px;margin:10px 0}
article.critical{border-left-color:#c00}article.warning{border-left-color:#e90}article.info{border-left-color:#48c}
.sev{display:inline-block;font-size:.75em;font-weight:bold;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff;background:#999}
.critical .sev{background:#c00}.warning .sev{background:#b60}.info .sev{background:#48c}
article h3{font-size:1em;margin:0 0 6px;overflow-wrap:anywhere}
ul{margin:4px 0;padding-left:20px}li{overflow-wrap:anywhere}
.fix{background:#f4f8f4;padding:6px 8px;border-radius:3px;margin:6px 0;overflow-wrap:anywhere}
.ok{color:#070}
@media (max-width:600px){body{padding:0 8px}th,td{padding:3px 4px;font-size:.9em}.hide-narrow{display:none}}
</style></head><body>
<h1>Why is this host returning 502s?</h1>
<p class="meta">As of {{clock .Report.Time}}, from the exporter's live counters and probes; recomputed at most every {{.Interval}}.
{{if partial .HistorySince .Report.Time}}History since {{clock .HistorySince}} only (the exporter's start).{{end}}
{{if .Truncated}}Too many series: some were left out.{{end}}
<a href="?format=json">JSON</a> · <a href="probes">probes</a></p>

<h2>What is failing now</h2>
{{if .Rows}}<div class="scroll"><table id="failing">
<thead><tr><th>source</th><th>upstream</th><th>cause</th><th class="n">5 min</th><th class="n">15 min</th><th class="n">60 min</th></tr></thead>
<tbody>{{range .Rows}}<tr><td>{{.Source}}</td><td><code>{{.Upstream}}</code></td><td><code>{{.Cause}}</code></td><td class="n">{{count .N5}}</td><td class="n">{{count .N15}}</td><td class="n">{{count .N60}}</td></tr>
{{end}}</tbody></table></div>
{{else}}<p class="ok">No upstream failures counted in the last 60 minutes.</p>{{end}}

<h2>Findings</h2>
{{range .Report.Findings}}<article class="finding {{sevClass .Severity}}">
<h3><span class="sev">{{.Severity}}</span> {{.Summary}}</h3>
{{if or .Upstream .Cause}}<p>{{with .Upstream}}upstream <code>{{.}}</code> {{end}}{{with .Cause}}cause <code>{{.}}</code>{{end}}</p>{{end}}
<ul class="evidence">{{range .Evidence}}<li>{{.}}</li>{{end}}</ul>
<p class="fix"><strong>Fix:</strong> {{.Fix}}</p>
{{with runbookURL .Runbook}}<p><a href="{{.}}" rel="noreferrer">Runbook</a></p>{{end}}
</article>
{{else}}<p class="ok">Nothing is failing: no upstream errors counted in the last hour, every probe passes.</p>
{{end}}
<h2>Not checked here</h2>
<ul>{{range .Report.Checked.Skipped}}<li><code>{{.Check}}</code>: {{.Reason}}</li>{{end}}</ul>
</body></html>
`))
