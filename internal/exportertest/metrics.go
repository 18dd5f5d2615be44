package exportertest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// Labels selects series: every given label must match; others are free.
type Labels map[string]string

// Value sums the samples of metric name whose labels match sel (counters,
// gauges and untyped; a histogram contributes its sample count).
func Value(fams map[string]*dto.MetricFamily, name string, sel Labels) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	var sum float64
	for _, m := range f.Metric {
		if !matches(m, sel) {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

// matches reports whether every label of sel has its value on m (a label
// missing from m has the value "").
func matches(m *dto.Metric, sel Labels) bool {
	for k, v := range sel {
		have := ""
		for _, lp := range m.Label {
			if lp.GetName() == k {
				have = lp.GetValue()
				break
			}
		}
		if have != v {
			return false
		}
	}
	return true
}

// Series renders the series of a metric, for failure messages.
func Series(fams map[string]*dto.MetricFamily, name string) string {
	f := fams[name]
	if f == nil {
		return name + ": no series"
	}
	var out []string
	for _, m := range f.Metric {
		var ls []string
		for _, lp := range m.Label {
			ls = append(ls, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
		}
		sel := Labels{}
		out = append(out, fmt.Sprintf("%s{%s} %v", name, strings.Join(ls, ","), Value(map[string]*dto.MetricFamily{name: {Metric: []*dto.Metric{m}}}, name, sel)))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// WaitFor scrapes until metric name with labels sel reaches want (bounded:
// 200 tries, 25ms apart) and returns the last value seen.
func (e *Exporter) WaitFor(tb testing.TB, name string, sel Labels, want float64) float64 {
	tb.Helper()
	var got float64
	for i := 0; i < 200; i++ {
		fams, _, err := e.Scrape()
		if err != nil {
			tb.Fatalf("scrape: %v", err)
		}
		got = Value(fams, name, sel)
		if got >= want {
			return got
		}
		if i == 199 {
			tb.Fatalf("%s%v = %v, want %v\n%s\nexporter log:\n%s", name, sel, got, want, Series(fams, name), e.Logs())
		}
		time.Sleep(25 * time.Millisecond)
	}
	return got
}
