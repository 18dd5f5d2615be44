package collector

import (
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

// fakeClock is the governor's clock in these tests.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func newExpiryTest(t *testing.T, limit int) (*Governor, *Metrics, *fakeClock) {
	t.Helper()
	m := NewMetrics(prometheus.NewRegistry())
	g := NewGovernor(limit, m.LabelValuesFolded)
	g.SetLimits(config.Limits{MaxValuesPerLabel: limit, MaxLabelValueBytes: 256, LabelValueTTL: time.Hour})
	clock := &fakeClock{}
	clock.ns.Store(time.Unix(1700000000, 0).UnixNano())
	g.now = clock.now
	return g, m, clock
}

func refusedFrom(upstream string) []byte {
	return []byte(strings.Replace(refusedLine, "10.0.2.14:8080", upstream, 1))
}

func refusedSeries(m *Metrics, upstream string) prometheus.Counter {
	return m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", upstream, "shop")
}

// seriesOf counts the upstream_errors series of an upstream without
// creating one.
func seriesOf(t *testing.T, m *Metrics, upstream string) int {
	t.Helper()
	n := 0
	ch := make(chan prometheus.Metric, 1024)
	go func() { m.UpstreamErrors.Collect(ch); close(ch) }()
	for metric := range ch {
		var pb dto.Metric
		if err := metric.Write(&pb); err != nil {
			t.Fatal(err)
		}
		for _, lp := range pb.GetLabel() {
			if lp.GetName() == "upstream" && lp.GetValue() == upstream {
				n++
			}
		}
	}
	return n
}

// After a flood of one-off upstreams has filled the label, a real new
// upstream gets a slot once the flood values have been idle for the TTL.
func TestExpiryGivesFloodSlotsBack(t *testing.T) {
	g, m, clock := newExpiryTest(t, 3)
	f := newErrorLogFile("/e.log", m, g)
	for i := range 50 {
		f.Line(refusedFrom(fmt.Sprintf("10.9.0.%d:80", i)))
	}
	clock.advance(15 * time.Minute)
	g.Sweep(m) // the label is full: a census
	clock.advance(2 * time.Hour)
	const real = "10.0.2.14:8080"
	f.Line(refusedFrom(real))
	if got := testutil.ToFloat64(refusedSeries(m, OtherValue)); got != 48 {
		t.Fatalf("__other__ = %v, want 48 (47 flood values and the real one)", got)
	}
	g.Sweep(m) // under pressure: the flood values expire
	f.Line(refusedFrom(real))
	if got := testutil.ToFloat64(refusedSeries(m, real)); got != 1 {
		t.Errorf("real upstream after the TTL = %v, want its own series with 1", got)
	}
	if n := seriesOf(t, m, "10.9.0.0:80"); n != 1 {
		t.Errorf("an expired value's series were deleted before the grace period: %d series", n)
	}
	clock.advance(15 * time.Minute)
	g.Sweep(m) // grace over: the series go
	for i := range 3 {
		if n := seriesOf(t, m, fmt.Sprintf("10.9.0.%d:80", i)); n != 0 {
			t.Errorf("10.9.0.%d:80 still has %d series after expiry", i, n)
		}
	}
	if got := testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")); got != 3 {
		t.Errorf("expired_total{upstream} = %v, want 3", got)
	}
	if got := testutil.ToFloat64(refusedSeries(m, real)); got != 1 {
		t.Errorf("the real upstream's series was touched by the expiry: %v", got)
	}
}

// A value used more often than the TTL never expires, also under pressure;
// its count stays exact.
func TestExpiryKeepsValuesInUse(t *testing.T) {
	g, m, clock := newExpiryTest(t, 2)
	f := newErrorLogFile("/e.log", m, g)
	const busy = "10.0.0.1:80"
	lines := 0
	for round := range 40 { // 10 h
		f.Line(refusedFrom(busy))
		lines++
		f.Line(refusedFrom(fmt.Sprintf("10.9.%d.1:80", round))) // pressure: the second slot is taken, then folded
		clock.advance(15 * time.Minute)
		g.Sweep(m)
	}
	if got := testutil.ToFloat64(refusedSeries(m, busy)); got != float64(lines) {
		t.Errorf("busy upstream = %v, want %d: it expired while in use", got, lines)
	}
	if got := testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")); got == 0 {
		t.Error("no idle value expired: the test exercised nothing")
	}
}

// Below the limit nothing expires, however long idle, and sources keep
// their caches.
func TestNoExpiryBelowLimit(t *testing.T) {
	g, m, clock := newExpiryTest(t, 10)
	f := newErrorLogFile("/e.log", m, g)
	f.Line(refusedFrom("10.0.0.1:80"))
	gen := g.Generation()
	for range 100 {
		clock.advance(time.Hour)
		g.Sweep(m)
	}
	if got := testutil.ToFloat64(refusedSeries(m, "10.0.0.1:80")); got != 1 {
		t.Errorf("idle value below the limit lost its count: %v", got)
	}
	if g.Generation() != gen {
		t.Error("sweeps below the limit made the sources drop their caches")
	}
}

// A full label with no value waiting for a slot keeps its values.
func TestNoExpiryWithoutPressure(t *testing.T) {
	g, m, clock := newExpiryTest(t, 1)
	f := newErrorLogFile("/e.log", m, g)
	f.Line(refusedFrom("10.0.0.1:80"))
	for range 100 {
		clock.advance(time.Hour)
		g.Sweep(m)
	}
	if got := testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")); got != 0 {
		t.Errorf("expired_total = %v without any folded value", got)
	}
}

// A TTL of 0 turns expiry off.
func TestNoExpiryWithZeroTTL(t *testing.T) {
	g, m, clock := newExpiryTest(t, 1)
	g.SetLimits(config.Limits{MaxValuesPerLabel: 1, MaxLabelValueBytes: 256})
	f := newErrorLogFile("/e.log", m, g)
	for i := range 100 {
		f.Line(refusedFrom(fmt.Sprintf("10.9.0.%d:80", i)))
		clock.advance(time.Hour)
		g.Sweep(m)
	}
	if got := testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")); got != 0 {
		t.Errorf("expired_total = %v with label_value_ttl 0", got)
	}
}

// An expired value used again before the next sweep keeps its series and
// its count: the grace period.
func TestExpiredValueUsedInGraceKeepsItsSeries(t *testing.T) {
	g, m, clock := newExpiryTest(t, 1)
	f := newErrorLogFile("/e.log", m, g)
	const quiet = "10.0.0.1:80"
	f.Line(refusedFrom(quiet))
	clock.advance(15 * time.Minute)
	g.Sweep(m) // census
	clock.advance(2 * time.Hour)
	f.Line(refusedFrom("10.0.0.2:80")) // folded: pressure
	g.Sweep(m)                         // quiet expires, pending
	f.Line(refusedFrom(quiet))         // used again in the grace period
	clock.advance(15 * time.Minute)
	g.Sweep(m)
	if got := testutil.ToFloat64(refusedSeries(m, quiet)); got != 2 {
		t.Errorf("%s = %v, want 2: its series was deleted although it was used again", quiet, got)
	}
	if got := testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")); got != 0 {
		t.Errorf("expired_total = %v, want 0", got)
	}
}

// The access-log caches are dropped too, and an expired path comes back.
func TestExpiryAccessLogAndPath(t *testing.T) {
	g, m, clock := newExpiryTest(t, 1)
	p, err := nginxaccess.Compile(`$remote_addr "$request" $status $upstream_addr $upstream_status`, nginxaccess.LogFormatEscapeDefault)
	if err != nil {
		t.Fatal(err)
	}
	quiet := newAccessLogFile("/quiet.log", p, "s", m, g, slog.New(slog.DiscardHandler))
	quiet.Line([]byte(`10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.9:80 200`))
	clock.advance(15 * time.Minute)
	g.Sweep(m)
	clock.advance(2 * time.Hour)
	busy := newAccessLogFile("/busy.log", p, "s", m, g, slog.New(slog.DiscardHandler)) // path folded: pressure
	busy.Line([]byte(`10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.8:80 200`))                 // upstream folded: pressure
	g.Sweep(m)
	busy.Line([]byte(`10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.8:80 200`))
	clock.advance(15 * time.Minute)
	g.Sweep(m)
	checkCounts(t, []countCheck{
		{"new upstream has its own series", m.Requests.WithLabelValues("nginx", "s", "10.0.0.8:80", "200"), 1},
		{"new upstream attempts", m.UpstreamAttempts.WithLabelValues("nginx", "10.0.0.8:80", "200"), 1},
		{"new path has its own series", m.LogLines.WithLabelValues("/busy.log", "classified"), 1},
		{"expired upstream", m.LabelValuesExpired.WithLabelValues("upstream"), 1},
		{"expired path", m.LabelValuesExpired.WithLabelValues("path"), 1},
	})
	if n := testutil.CollectAndCount(m.LogLines); n != 6 { // /busy.log and __other__, 3 results each
		t.Errorf("%d log_lines_total series, want 6: /quiet.log's were not deleted", n)
	}
	quiet.Line([]byte(`10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.9:80 200`))
	if got := testutil.ToFloat64(m.LogLines.WithLabelValues(OtherValue, "classified")); got != 2 {
		t.Errorf("%s = %v, want 2: /busy.log's first line, and the expired path's next one (it lost its slot)", OtherValue, got)
	}
}

// The expiry goroutine sweeps every TTL/4 on the real clock, and stops.
func TestStartExpirySweeps(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry())
	g := NewGovernor(1, m.LabelValuesFolded)
	g.SetLimits(config.Limits{MaxValuesPerLabel: 1, MaxLabelValueBytes: 256, LabelValueTTL: 8 * time.Millisecond})
	g.StartExpiry(m)
	g.StartExpiry(m) // once only
	defer g.StopExpiry()
	g.Admit("upstream", []byte("a"))
	deadline := time.Now().Add(10 * time.Second)
	for testutil.ToFloat64(m.LabelValuesExpired.WithLabelValues("upstream")) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no value expired in 10 s")
		}
		g.Admit("upstream", []byte("b")) // folded: pressure
		time.Sleep(time.Millisecond)
	}
	g.StopExpiry()
	g.StopExpiry() // idempotent
}
