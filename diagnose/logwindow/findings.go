package logwindow

import (
	"fmt"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// Findings turns the summary into the findings of check 3:
//   - one per upstream and cause seen in the window: critical and failing
//     for an upstream failure, a warning for marked_down (a consequence of
//     the failures counted beside it) and fastcgi_stderr (the app wrote to
//     stderr, which is not always a failed request);
//   - one per proxy-level cause (worker_connections are not enough …),
//     with no upstream;
//   - one per upstream with requests in the access logs: its 5xx share and
//     response-time percentiles; critical when the proxy answered 502, 503
//     or 504 for it, a warning for other 5xx, info otherwise.
func (s *Summary) Findings() []diagnose.Finding {
	var out []diagnose.Finding
	for _, cc := range s.Proxy {
		out = append(out, s.causeFinding("", "the proxy", cc))
	}
	for i := range s.Upstreams {
		u := &s.Upstreams[i]
		for _, cc := range u.Causes {
			out = append(out, s.causeFinding(u.Name, u.Name, cc))
		}
		if u.Requests > 0 {
			out = append(out, s.shareFinding(u))
		}
	}
	diagnose.Sort(out)
	return out
}

func (s *Summary) causeFinding(upstream, from string, cc CauseCount) diagnose.Finding {
	sev := diagnose.Critical
	if cc.Cause == cause.MarkedDown || cc.Cause == cause.FastCGIStderr {
		sev = diagnose.Warning
	}
	return diagnose.Finding{
		Severity: sev,
		Check:    diagnose.CheckLogs,
		Cause:    cc.Cause.String(),
		Upstream: upstream,
		Summary: fmt.Sprintf("%d × %s from %s in the last %s (newest %s)",
			cc.Count, cc.Cause, from, FormatSince(s.Since), s.clock(cc.Last)),
		Evidence: append([]string(nil), cc.Evidence...),
		Fix:      cc.Cause.FixHint(),
		Runbook:  diagnose.RunbookFor(cc.Cause.String()),
		Seen:     cc.Last,
		Failing:  true,
		Count:    cc.Count,
	}
}

func (s *Summary) shareFinding(u *Upstream) diagnose.Finding {
	f := diagnose.Finding{
		Severity: diagnose.Info,
		Check:    diagnose.CheckLogs,
		Upstream: u.Name,
		Seen:     u.LastRequest,
		Summary: fmt.Sprintf("%d requests to %s in the last %s, %d 5xx (%.1f%%)",
			u.Requests, u.Name, FormatSince(s.Since), u.Status5xx, 100*u.Share5xx()),
	}
	if u.Samples > 0 {
		f.Summary += fmt.Sprintf("; upstream response time p50 %s, p90 %s, p99 %s",
			roundDuration(u.P50), roundDuration(u.P90), roundDuration(u.P99))
	}
	switch {
	case u.Gateway5xx > 0:
		f.Severity, f.Failing = diagnose.Critical, true
		f.Fix = "the proxy answered 502/503/504 for this upstream: see the causes logged for it in the error log"
	case u.Status5xx > 0:
		f.Severity, f.Failing = diagnose.Warning, true
		f.Fix = "the upstream itself answered 5xx: read the application's logs"
	}
	return f
}

// clock prints a time of day in the summary's zone, with the date when it
// is not today's.
func (s *Summary) clock(t time.Time) string {
	t = t.In(s.Location)
	if y, m, d := t.Date(); y == s.To.In(s.Location).Year() && m == s.To.In(s.Location).Month() && d == s.To.In(s.Location).Day() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04:05")
}

// FormatSince prints a window length as diagnose --since takes it: 15m,
// 1h, 1h30m, 90s.
func FormatSince(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
