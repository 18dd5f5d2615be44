package live

import (
	"testing"
	"unique"

	"github.com/prometheus/client_golang/prometheus"
)

// A sample keeps at most MaxSeries series of each counter, says it is
// truncated, and ignores every other metric.
func TestSampleCapsSeriesPerCounter(t *testing.T) {
	w := newWorld()
	other := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badgateway_log_lines_total", Help: "h"}, []string{"path"})
	w.reg.MustRegister(other)
	other.WithLabelValues("/x").Inc()
	for _, u := range []string{"a:1", "b:1", "c:1"} {
		w.errs.WithLabelValues("nginx", "connection_refused", u, "").Add(2)
	}
	w.reqs.WithLabelValues("nginx", "s", "a:1", "502").Inc()
	s, err := readSample(w.reg, 2, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Truncated || len(s.Values) != 3 {
		t.Fatalf("sample %+v", s)
	}
	if s.Values[errSeries("a:1", "")] != 2 || s.Values[errSeries("b:1", "")] != 2 {
		t.Errorf("the first series in label order are kept: %v", s.Values)
	}
	if s.Values[unique.Make(Series{Kind: KindRequest, Proxy: "nginx", Server: "s", Upstream: "a:1", Label: "502"})] != 1 {
		t.Errorf("requests capped by the errors' count: %v", s.Values)
	}
	if s, _ := readSample(w.reg, 10, t0); s.Truncated || len(s.Values) != 4 {
		t.Errorf("under the cap: %+v", s)
	}
}
