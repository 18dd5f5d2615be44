package checklist

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// checkURLs requests each URL once, as `curl -I` would, and ties the
// answer to the findings: a 5xx becomes evidence of the critical finding
// that explains it (see explaining and throughLocation), or a finding of its own when no check
// explains it or it cannot be told which upstream the request went to.
func checkURLs(ctx context.Context, r *diagnose.Report, in *Inputs, urls []string, timeout time.Duration) {
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	r.Checked.Ran = append(r.Checked.Ran, diagnose.CheckURL)
	for _, u := range urls {
		r.Checked.URLs = append(r.Checked.URLs, u)
		status, err := get(ctx, client, u)
		switch {
		case err != nil:
			r.Findings = append(r.Findings, diagnose.Finding{
				Severity: diagnose.Critical, Check: diagnose.CheckURL, Failing: true, Seen: time.Now(),
				Summary:  fmt.Sprintf("%s does not answer", u),
				Evidence: []string{fmt.Sprintf("GET %s: %v", u, err)},
				Fix:      "check the proxy itself runs and listens there: systemctl status nginx (or haproxy); ss -tlnp",
			})
		case status >= 500:
			line := fmt.Sprintf("GET %s answered %d %s", u, status, http.StatusText(status))
			top, ups := explaining(r)
			if top == nil && len(ups) > 1 {
				top = throughLocation(r, in, u)
			}
			if top != nil {
				top.Evidence = append([]string{line}, top.Evidence...)
				continue
			}
			if len(ups) > 1 {
				r.Findings = append(r.Findings, diagnose.Finding{
					Severity: diagnose.Critical, Check: diagnose.CheckURL, Failing: true, Seen: time.Now(),
					Summary:  fmt.Sprintf("%s answers %d; which of the failing upstreams (%s) it goes to is not known", u, status, strings.Join(ups, ", ")),
					Evidence: []string{line},
					Fix:      "see the findings of the upstreams above; the proxy's access log names the upstream of that request ($upstream_addr, %b/%s)",
				})
				continue
			}
			r.Findings = append(r.Findings, diagnose.Finding{
				Severity: diagnose.Critical, Check: diagnose.CheckURL, Failing: true, Seen: time.Now(),
				Summary:  fmt.Sprintf("%s answers %d but no check found why", u, status),
				Evidence: []string{line},
				Fix:      "read the proxy's error log for that request (tail -n 50 /var/log/nginx/error.log), and rerun diagnose with the log named in --config.file",
			})
		}
	}
}

func get(ctx context.Context, c *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "badgateway_exporter-diagnose")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// throughLocation is the first critical finding about the upstream
// nginx passes u to (urlUpstreams), when there is one.
func throughLocation(r *diagnose.Report, in *Inputs, u string) *diagnose.Finding {
	labels, ok := urlUpstreams(in, u)
	if !ok {
		return nil
	}
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Severity == diagnose.Critical && slices.Contains(labels, f.Upstream) {
			return f
		}
	}
	return nil
}

// explaining is the critical finding a 5xx of any URL can be tied to: the
// first critical finding (of the sorted findings) when the critical
// findings are about one upstream at most (those about none, as the
// proxy's own worker_connections, explain any request). When they are
// about several, the request's upstream is not known: top is nil and ups
// lists them.
func explaining(r *diagnose.Report) (top *diagnose.Finding, ups []string) {
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Severity != diagnose.Critical {
			continue
		}
		if top == nil {
			top = f
		}
		if f.Upstream != "" && !slices.Contains(ups, f.Upstream) {
			ups = append(ups, f.Upstream)
		}
	}
	if len(ups) > 1 {
		return nil, ups
	}
	return top, ups
}
