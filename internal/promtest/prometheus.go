package promtest

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// PrometheusConfig is what StartPrometheus writes into prometheus.yml.
type PrometheusConfig struct {
	// Job is the scrape job's name; "badgateway" when empty.
	Job string
	// Targets are host:port addresses on 127.0.0.1 to scrape.
	Targets []string
	// Interval is the scrape and rule evaluation interval; 1s when zero.
	Interval time.Duration
	// RuleFiles are loaded as rule_files (absolute paths).
	RuleFiles []string
	// Alertmanagers are host:port addresses alerts are sent to.
	Alertmanagers []string
	// ExternalLabels are global.external_labels (what federation and
	// remote-write attach to every series).
	ExternalLabels map[string]string
	// Federate, when set, adds a job "federate" that scrapes /federate of
	// these host:port Prometheus servers with honor_labels, asking for the
	// series FederateMatch selects (match[] parameters).
	Federate      []string
	FederateMatch []string
}

// Prometheus is a running Prometheus server.
type Prometheus struct {
	*process
	api
	Dir string // temp dir with prometheus.yml and data/
}

// StartPrometheus starts /usr/bin/prometheus (see PrometheusBin) on a free
// 127.0.0.1 port with cfg, temp TSDB storage, and waits until it is ready.
// It is stopped in tb.Cleanup.
func StartPrometheus(tb testing.TB, cfg PrometheusConfig) *Prometheus {
	tb.Helper()
	bin := PrometheusBin.Require(tb)
	dir := tb.TempDir()
	confPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(confPath, []byte(cfg.render()), 0o644); err != nil {
		tb.Fatal(err)
	}
	p := startProcess(tb, "prometheus", bin, func(addr string) []string {
		return []string{
			"--config.file=" + confPath,
			"--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr,
			"--log.level=warn",
		}
	})
	return &Prometheus{process: p, api: newAPI(p.addr), Dir: dir}
}

// render writes prometheus.yml.
func (c PrometheusConfig) render() string {
	interval := c.Interval
	if interval == 0 {
		interval = time.Second
	}
	job := c.Job
	if job == "" {
		job = "badgateway"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  evaluation_interval: %s\n  scrape_timeout: %s\n",
		interval, interval, interval)
	if len(c.ExternalLabels) > 0 {
		b.WriteString("  external_labels:\n")
		for _, k := range slices.Sorted(maps.Keys(c.ExternalLabels)) {
			fmt.Fprintf(&b, "    %s: %q\n", k, c.ExternalLabels[k])
		}
	}
	b.WriteString("rule_files:\n")
	for _, f := range c.RuleFiles {
		fmt.Fprintf(&b, "  - %q\n", f)
	}
	if len(c.Alertmanagers) > 0 {
		b.WriteString("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets:\n")
		for _, a := range c.Alertmanagers {
			fmt.Fprintf(&b, "            - %q\n", a)
		}
	}
	b.WriteString("scrape_configs:\n")
	if len(c.Targets) > 0 || len(c.Federate) == 0 {
		fmt.Fprintf(&b, "  - job_name: %q\n    static_configs:\n      - targets:\n", job)
		for _, t := range c.Targets {
			fmt.Fprintf(&b, "          - %q\n", t)
		}
	}
	if len(c.Federate) > 0 {
		b.WriteString("  - job_name: \"federate\"\n    honor_labels: true\n    metrics_path: /federate\n    params:\n      'match[]':\n")
		for _, m := range c.FederateMatch {
			fmt.Fprintf(&b, "        - %q\n", m)
		}
		b.WriteString("    static_configs:\n      - targets:\n")
		for _, t := range c.Federate {
			fmt.Fprintf(&b, "          - %q\n", t)
		}
	}
	return b.String()
}

// Addr is the host:port of its HTTP API (and of /federate).
func (p *Prometheus) Addr() string { return p.addr }

// Output returns what Prometheus logged so far (the first 256 KiB).
func (p *Prometheus) Output() string { return p.output.String() }
