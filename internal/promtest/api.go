package promtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// api talks JSON to a Prometheus or Alertmanager HTTP API on loopback.
type api struct {
	base   string
	client *http.Client
}

func newAPI(addr string) api {
	return api{
		base:   "http://" + addr,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}},
	}
}

// getJSON GETs path and decodes the JSON answer into out.
func (a api) getJSON(path string, out any) error {
	resp, err := a.client.Get(a.base + path)
	if err != nil {
		return err
	}
	return decode(resp, out)
}

// postJSON POSTs body as JSON to path and decodes the answer into out
// (when not nil).
func (a api) postJSON(path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	resp, err := a.client.Post(a.base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	return decode(resp, out)
}

func decode(resp *http.Response, out any) error {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", resp.Request.Method, resp.Request.URL, resp.Status, body)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: %w: %s", resp.Request.URL, err, body)
	}
	return nil
}

// Sample is one series of an instant-query result.
type Sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"` // [unix time, "value"]
}

// Query runs an instant query at the current time and returns the result's
// series. A scalar or string result comes back as one sample without
// labels.
func (p *Prometheus) Query(expr string) ([]Sample, error) {
	var r struct {
		Status string `json:"status"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := p.getJSON("/api/v1/query?query="+url.QueryEscape(expr), &r); err != nil {
		return nil, err
	}
	switch r.Data.ResultType {
	case "vector", "matrix":
		var s []Sample
		err := json.Unmarshal(r.Data.Result, &s)
		return s, err
	default:
		var v [2]any
		err := json.Unmarshal(r.Data.Result, &v)
		return []Sample{{Metric: map[string]string{}, Value: v}}, err
	}
}

// Alert is an alert as Prometheus' /api/v1/alerts reports it.
type Alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"` // pending or firing
	Value       string            `json:"value"`
}

// Alerts returns the pending and firing alerts.
func (p *Prometheus) Alerts() ([]Alert, error) {
	var r struct {
		Data struct {
			Alerts []Alert `json:"alerts"`
		} `json:"data"`
	}
	err := p.getJSON("/api/v1/alerts", &r)
	return r.Data.Alerts, err
}

// Target is a scrape target's state from /api/v1/targets.
type Target struct {
	ScrapeURL string `json:"scrapeUrl"`
	Health    string `json:"health"`
	LastError string `json:"lastError"`
}

// Targets returns the active scrape targets.
func (p *Prometheus) Targets() ([]Target, error) {
	var r struct {
		Data struct {
			ActiveTargets []Target `json:"activeTargets"`
		} `json:"data"`
	}
	err := p.getJSON("/api/v1/targets", &r)
	return r.Data.ActiveTargets, err
}
