package live

import (
	"errors"
	"testing"
	"time"
	"unique"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
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

// A sample the Gatherer could not give is left out of the ring: the next
// one is compared with the one before, so nothing is lost or counted twice.
func TestFailedGatherIsNotASample(t *testing.T) {
	w := newWorld()
	fail := false
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		if fail {
			return nil, errors.New("broken")
		}
		return w.reg.Gather()
	})
	clk := &fakeClock{t: t0}
	p := New(Options{Gatherer: g, Now: clk.now})
	w.errs.WithLabelValues("nginx", "connection_refused", "a:1", "").Add(4)
	fail = true
	clk.add(time.Minute)
	p.Sample()
	fail = false
	clk.add(time.Minute)
	p.Sample()
	if got := len(p.ring.since(time.Time{})); got != 2 {
		t.Fatalf("ring has %d samples, want 2", got)
	}
	v, _ := p.View()
	if len(v.Rows) != 1 || v.Rows[0].N5 != 4 {
		t.Fatalf("rows %+v", v.Rows)
	}
}
