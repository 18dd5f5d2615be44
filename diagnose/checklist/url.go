package checklist

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// checkURLs requests each URL once, as `curl -I` would, and ties the
// answer to the findings: a 5xx becomes evidence of the top critical
// finding, or a finding of its own when no check explains it.
func checkURLs(ctx context.Context, r *diagnose.Report, urls []string, timeout time.Duration) {
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
			if top := topCritical(r); top != nil {
				top.Evidence = append([]string{line}, top.Evidence...)
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

// topCritical is the first critical finding of the sorted findings.
func topCritical(r *diagnose.Report) *diagnose.Finding {
	for i := range r.Findings {
		if r.Findings[i].Severity == diagnose.Critical {
			return &r.Findings[i]
		}
	}
	return nil
}
