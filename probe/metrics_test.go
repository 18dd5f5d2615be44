package probe

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// gather returns the scheduler's metrics as "name{l="v",…} value" lines.
func gather(t *testing.T, s *Scheduler) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(s); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			out[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = value(m)
		}
	}
	return out
}

func value(m *dto.Metric) float64 {
	if m.GetCounter() != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}

func TestCollectDeduplicates(t *testing.T) {
	s := newScheduler(t, Options{})
	now := time.Now()
	s.entries = map[string]*entry{}
	for i, g := range []string{"a", "b", "a"} {
		tg := Target{Address: "127.0.0.9:80", Module: ModuleTCP, Group: g, Where: fmt.Sprint(i)}
		if i == 2 {
			tg.Module = ModuleHTTP
		}
		s.entries[tg.Key()] = &entry{key: tg.Key(), target: tg, results: []Result{{Upstream: "127.0.0.9:80", Success: true, Start: now}}}
	}
	var names []string
	for k := range gather(t, s) { // a pedantic registry rejects duplicates
		names = append(names, k)
	}
	sort.Strings(names)
	if len(names) != 2+5+2 { // success ×2, durations, last run, status code
		t.Errorf("metrics: %q", names)
	}
}

// Upstream and group names from a proxy configuration may hold any bytes:
// a name that is not UTF-8 is exported with U+FFFD instead of failing
// every scrape.
func TestCollectInvalidUTF8Names(t *testing.T) {
	s := newScheduler(t, Options{})
	now := time.Now()
	tg := Target{Address: "bad\xffname:80", Module: ModuleTCP, Group: "grp\xfe", Where: "nginx.conf:3"}
	s.entries = map[string]*entry{tg.Key(): {key: tg.Key(), target: tg, results: []Result{{Upstream: "bad\xffname:80", Start: now}}}}
	s.failures[failureKey{"bad\xffname:80", "dns_failure"}] = 2
	got := gather(t, s) // Gather fails on a label value that is not UTF-8
	if v, ok := got[`badgateway_probe_failures_total{cause="dns_failure",upstream="bad`+"\uFFFD"+`name:80"}`]; !ok || v != 2 {
		t.Errorf("failures of the sanitised upstream: %v, %v; metrics %v", v, ok, got)
	}
}
