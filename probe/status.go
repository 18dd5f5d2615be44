package probe

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// statusRow is one line of the status page: a result, or a target not
// probed yet.
type statusRow struct {
	T       Target
	R       Result
	Pending bool
}

func (r statusRow) Upstream() string {
	if r.Pending {
		return r.T.label("")
	}
	return r.R.Upstream
}

// State is "ok", "FAIL" or "pending".
func (r statusRow) State() string {
	switch {
	case r.Pending:
		return "pending"
	case r.R.Success:
		return "ok"
	}
	return "FAIL"
}

// Detail is the cause and error, or the HTTP status of a success.
func (r statusRow) Detail() string {
	switch {
	case r.Pending:
		return ""
	case !r.R.Success:
		return strings.Join(strings.Fields(r.R.Cause.String()+": "+r.R.Err), " ")
	case r.R.StatusCode != 0:
		return fmt.Sprintf("HTTP %d", r.R.StatusCode)
	case len(r.R.Addresses) > 0:
		return strings.Join(r.R.Addresses, " ")
	}
	return ""
}

// Configured is where the upstream comes from.
func (r statusRow) Configured() string {
	s := r.T.Address
	if r.T.Where != "" {
		s += " (" + r.T.Where + ")"
	}
	if len(r.T.Params) > 0 {
		s += " " + strings.Join(r.T.Params, " ")
	}
	return s
}

// LastRun is when it was probed, and how long the probe took.
func (r statusRow) LastRun() string {
	if r.Pending {
		return ""
	}
	return r.R.Start.UTC().Format(time.RFC3339) + " (" + r.R.Duration.Round(time.Microsecond).String() + ")"
}

type statusData struct {
	Interval, Timeout time.Duration
	Rows              []statusRow
	Discovery         Discovery
	Failing           int
}

func (s *Scheduler) statusData() statusData {
	s.mu.RLock()
	d := statusData{Interval: s.opts.Interval, Timeout: s.opts.Timeout, Discovery: s.discovery}
	for _, e := range s.entries {
		if len(e.results) == 0 {
			d.Rows = append(d.Rows, statusRow{T: e.target, Pending: true})
		}
		for _, r := range e.results {
			d.Rows = append(d.Rows, statusRow{T: e.target, R: r})
			if !r.Success {
				d.Failing++
			}
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(d.Rows, func(a, b statusRow) int {
		return cmp.Or(cmp.Compare(a.T.Proxy, b.T.Proxy), cmp.Compare(a.T.Group, b.T.Group),
			cmp.Compare(a.Upstream(), b.Upstream()), cmp.Compare(a.T.Module, b.T.Module))
	})
	return d
}

var statusTemplate = template.Must(template.New("status").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Upstream probes</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}.FAIL{color:#b00;font-weight:bold}.ok{color:#070}</style>
</head><body>
<h1>Upstream probes</h1>
<p>{{len .Rows}} upstreams, {{.Failing}} failing; every {{.Interval}}, timeout {{.Timeout}}.{{if not .Discovery.Updated.IsZero}} Discovered at {{.Discovery.Updated.UTC.Format "2006-01-02T15:04:05Z07:00"}}.{{end}}</p>
{{with .Discovery.Errors}}<h2>Discovery errors</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
<table><tr><th>upstream</th><th>group</th><th>proxy</th><th>module</th><th>state</th><th>detail</th><th>configured</th><th>last probe</th></tr>
{{range .Rows}}<tr><td>{{.Upstream}}</td><td>{{.T.Group}}</td><td>{{.T.Proxy}}</td><td>{{.T.Module}}</td><td class="{{.State}}">{{.State}}</td><td>{{.Detail}}</td><td>{{.Configured}}</td><td>{{.LastRun}}</td></tr>
{{end}}</table>
{{with .Discovery.Unprobeable}}<h2>Not probed</h2>
<table><tr><th>where</th><th>what</th><th>reason</th></tr>
{{range .}}<tr><td>{{.Where}}</td><td>{{.What}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{end}}
</body></html>
`))

// StatusHandler serves the status page: every target with its last result
// and cause, the configured upstreams that cannot be probed with the
// reason, and discovery errors. HTML, or plain text with ?format=text. It
// takes nothing else from the request.
func (s *Scheduler) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		d := s.statusData()
		if req.URL.Query().Get("format") == "text" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			writeStatusText(w, d)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := statusTemplate.Execute(w, d); err != nil {
			s.opts.Logger.Error("Cannot render the probe status page", "err", err)
		}
	})
}

func writeStatusText(w http.ResponseWriter, d statusData) {
	fmt.Fprintf(w, "# %d upstreams, %d failing; every %v, timeout %v\n", len(d.Rows), d.Failing, d.Interval, d.Timeout)
	for _, e := range d.Discovery.Errors {
		fmt.Fprintf(w, "# discovery error: %s\n", e)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UPSTREAM\tGROUP\tPROXY\tMODULE\tSTATE\tDETAIL\tCONFIGURED\tLAST PROBE")
	for _, r := range d.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Upstream(), r.T.Group, r.T.Proxy, r.T.Module, r.State(), r.Detail(), r.Configured(), r.LastRun())
	}
	tw.Flush()
	if len(d.Discovery.Unprobeable) > 0 {
		fmt.Fprintln(w, "\n# not probed")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "WHERE\tWHAT\tREASON")
		for _, u := range d.Discovery.Unprobeable {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Where, u.What, u.Reason)
		}
		tw.Flush()
	}
}
