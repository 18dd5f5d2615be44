// Package diagnose runs the 502 troubleshooting checklist (is the service
// running, can the proxy reach it, what do the logs say, is the
// configuration right, is the network letting it through) against the real
// host, and turns what it sees into findings: a severity, the cause label
// the metrics use, the upstream, the evidence, and the exact fix.
//
// The `diagnose` command and the exporter's /diagnose page both speak the
// types of this file; the JSON form of Report is a stable interface for
// scripts.
package diagnose

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// Severity ranks a finding. Critical explains 502s happening now; Warning
// is a risk that is not failing yet; Info is context.
type Severity uint8

// The severities, most severe first.
const (
	Critical Severity = iota
	Warning
	Info
)

var severityNames = [...]string{"critical", "warning", "info"}

// String returns "critical", "warning" or "info".
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "info"
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// The checks of the checklist, the values of Finding.Check.
const (
	CheckService      = "service"      // does anything listen there, which process
	CheckConnectivity = "connectivity" // one probe of each upstream
	CheckLogs         = "logs"         // causes and 5xx in the proxies' logs over --since
	CheckConfig       = "config"       // nginx -t / haproxy -c and lint tied to evidence
	CheckNetwork      = "network"      // firewall, routes, SELinux, OOM kills, kernel log
	CheckURL          = "url"          // --url requested through the proxy
)

// Finding is one answer of the checklist.
type Finding struct {
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`
	// Cause is a cause label of the metrics ("connection_refused"), or ""
	// when the finding is not an upstream failure (a config lint, say).
	Cause string `json:"cause,omitempty"`
	// Upstream is "host:port", "unix:/path" or HAProxy's "backend/server",
	// as the metrics label it.
	Upstream string `json:"upstream,omitempty"`
	// Summary is one line a person reads first.
	Summary string `json:"summary"`
	// Evidence is what was seen: log lines counted, probe results, the
	// config file:line; the newest first.
	Evidence []string `json:"evidence"`
	// Fix names the directive or command to change, with its value.
	Fix string `json:"fix"`
	// Runbook is a link into docs/runbook.md, e.g.
	// "docs/runbook.md#connection_refused".
	Runbook string `json:"runbook,omitempty"`
	// Seen is when the newest evidence happened; zero when not known.
	Seen time.Time `json:"seen,omitzero"`
	// Failing is true when the finding explains failures that happen now
	// (counted in logs or seen by a probe), false for a risk.
	Failing bool `json:"failing"`
	// Count is how many failures of this cause at this upstream the logs
	// counted over the window (--since); 0 when none was counted (a probe
	// or a lint alone).
	Count int64 `json:"count,omitempty"`
}

// Skipped is a check that could not run, and why.
type Skipped struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
}

// Checked says what a run looked at: nothing is guessed silently.
type Checked struct {
	Proxies   []string  `json:"proxies"`   // "nginx", "haproxy", "apache"
	Configs   []string  `json:"configs"`   // files read
	Logs      []string  `json:"logs"`      // files read
	Upstreams []string  `json:"upstreams"` // what was checked
	URLs      []string  `json:"urls,omitempty"`
	Since     string    `json:"since"`
	Ran       []string  `json:"ran"` // checks that ran
	Skipped   []Skipped `json:"skipped"`
}

// Report is the result of one run.
type Report struct {
	Findings []Finding `json:"findings"`
	Checked  Checked   `json:"checked"`
	Time     time.Time `json:"time"`
}

// RunbookFor returns the runbook link of a cause label, "" for none.
func RunbookFor(label string) string {
	if c, ok := cause.Parse(label); ok && c != cause.None {
		return "docs/runbook.md#" + label
	}
	return ""
}

// Sort orders findings most severe first; within a severity, what fails
// now before a risk, then what the logs counted (the 502s clients got)
// before what only a probe or a lint found, the most counted first, then
// newest evidence first, then by check, upstream and cause so that the
// order is stable.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		if a.Failing != b.Failing {
			return a.Failing
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if !a.Seen.Equal(b.Seen) {
			return a.Seen.After(b.Seen)
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		if a.Upstream != b.Upstream {
			return a.Upstream < b.Upstream
		}
		return a.Cause < b.Cause
	})
}

// Critical reports whether any finding is critical: the command's exit
// code is 1 then.
func (r *Report) Critical() bool {
	for _, f := range r.Findings {
		if f.Severity == Critical {
			return true
		}
	}
	return false
}

// JSON encodes the report as the stable script interface, indented.
func (r *Report) JSON() ([]byte, error) {
	Sort(r.Findings)
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for i := range r.Findings {
		if r.Findings[i].Evidence == nil {
			r.Findings[i].Evidence = []string{}
		}
	}
	return json.MarshalIndent(r, "", "  ")
}

// The checklist's parts live in subpackages that import this one:
// diagnose/checklist runs the checks and assembles a Report (the command),
// diagnose/hostcheck reads the host (listening sockets and their processes,
// firewall, SELinux, kernel log), diagnose/logwindow reads the proxies'
// logs backwards over a time window. Their input is the upstreams as
// discovery finds them: []probe.Target.
