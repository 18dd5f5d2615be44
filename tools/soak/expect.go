package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// source is one stream of lines the tool writes: a file or the UDP
// listener. counts[i] is how many lines of templates[i] were written (sent,
// for UDP); the writer owns it until it is done.
type source struct {
	name      string // error, access, syslog
	proxy     string // nginx, haproxy
	path      string // the exporter's path label
	templates []template
	order     []int
	counts    []uint64
	rate      float64 // lines per second
}

func newSource(name, proxy, path string, ts []template, rate float64) *source {
	return &source{name: name, proxy: proxy, path: path, templates: ts, order: schedule(ts), counts: make([]uint64, len(ts)), rate: rate}
}

// written is the number of lines written so far by a finished writer.
func (s *source) written() uint64 {
	var n uint64
	for _, c := range s.counts {
		n += c
	}
	return n
}

// check is one expected total and what the exporter said.
type check struct {
	metric string
	labels map[string]string // every label must match; others are summed over
	want   float64
	slack  float64 // UDP datagrams the kernel dropped: got may be this much lower
	got    float64
}

func (c *check) ok() bool { return c.got <= c.want && c.got >= c.want-c.slack }

func (c *check) selector() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c.labels)) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, c.labels[k]))
	}
	return c.metric + "{" + strings.Join(parts, ",") + "}"
}

// expectations adds up the effects of every line written. udpDrops is the
// number of datagrams the kernel dropped before the exporter read them:
// rows fed by the syslog source may fall short by that much.
func expectations(sources []*source, udpDrops float64) []*check {
	e := expectBuilder{byKey: map[string]*check{}}
	for _, s := range sources {
		slack := 0.0
		if s.name == "syslog" {
			slack = udpDrops
		}
		for _, r := range []string{"classified", "ignored", "unrecognized"} {
			e.add("badgateway_log_lines_total", slack, 0, "path", s.path, "result", r)
		}
		for i, t := range s.templates {
			n, ef := float64(s.counts[i]), t.effect
			e.add("badgateway_log_lines_total", slack, n, "path", s.path, "result", ef.result)
			if ef.cause != "" {
				e.add("badgateway_upstream_errors_total", slack, n, "proxy", s.proxy)
				e.add("badgateway_upstream_errors_total", slack, n, "proxy", s.proxy, "cause", ef.cause)
			}
			if ef.request {
				e.add("badgateway_requests_total", slack, n, "proxy", s.proxy)
				e.add("badgateway_requests_total", slack, n, "proxy", s.proxy, "status", ef.status)
			}
			if ef.generated {
				e.add("badgateway_proxy_generated_responses_total", slack, n, "proxy", s.proxy, "status", ef.status)
			}
			for _, st := range ef.attempts {
				e.add("badgateway_upstream_attempts_total", slack, n, "proxy", s.proxy)
				e.add("badgateway_upstream_attempts_total", slack, n, "proxy", s.proxy, "status", st)
			}
			if ef.health {
				e.add("badgateway_upstream_health_events_total", slack, n, "proxy", s.proxy)
			}
		}
	}
	slices.SortStableFunc(e.checks, func(a, b *check) int { return strings.Compare(a.selector(), b.selector()) })
	return e.checks
}

type expectBuilder struct {
	checks []*check
	byKey  map[string]*check
}

func (e *expectBuilder) add(metric string, slack, n float64, kv ...string) {
	c := &check{metric: metric, labels: map[string]string{}, slack: slack}
	for i := 0; i+1 < len(kv); i += 2 {
		c.labels[kv[i]] = kv[i+1]
	}
	key := c.selector()
	if have := e.byKey[key]; have != nil {
		have.want += n
		have.slack = max(have.slack, slack)
		return
	}
	c.want = n
	e.byKey[key] = c
	e.checks = append(e.checks, c)
}

// observe fills got from a scrape and reports whether every check passes.
func observe(checks []*check, fams map[string]*dto.MetricFamily) bool {
	all := true
	for _, c := range checks {
		c.got = sum(fams, c.metric, c.labels)
		all = all && c.ok()
	}
	return all
}

// sum adds up the counter or gauge samples of a metric whose labels match.
func sum(fams map[string]*dto.MetricFamily, name string, sel map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	var total float64
	for _, m := range f.GetMetric() {
		if !labelsMatch(m, sel) {
			continue
		}
		total += m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue()
	}
	return total
}

func labelsMatch(m *dto.Metric, sel map[string]string) bool {
	for k, want := range sel {
		have := ""
		for _, lp := range m.GetLabel() {
			if lp.GetName() == k {
				have = lp.GetValue()
			}
		}
		if have != want {
			return false
		}
	}
	return true
}
