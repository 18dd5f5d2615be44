package probe

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// waitFor polls cond (bounded) until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func newScheduler(t *testing.T, o Options) *Scheduler {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// listenOn listens on the same port at each of the loopback addresses ips
// (all of 127.0.0.0/8 is loopback on Linux), retrying with another port if
// one is taken. The port is reserved on 127.0.0.1 until the test ends.
func listenOn(t *testing.T, ips ...string) string {
	for attempt := 0; attempt < 20; attempt++ {
		port := strconv.Itoa(loopback.FreeTCPPort(t))
		var ls []net.Listener
		for _, ip := range ips {
			l, err := net.Listen("tcp", net.JoinHostPort(ip, port))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		if len(ls) == len(ips) {
			for _, l := range ls {
				probetest.ServeListener(t, l, func(net.Conn) {})
			}
			return port
		}
		for _, l := range ls {
			l.Close()
		}
	}
	t.Fatal("no free port on all addresses")
	return ""
}

func TestSchedulerProbesEveryAddress(t *testing.T) {
	port := listenOn(t, "127.0.0.1", "127.0.0.2") // 127.0.0.3 has nothing on it
	s := newScheduler(t, Options{Interval: 200 * time.Millisecond, Timeout: 150 * time.Millisecond,
		Resolver: testResolver(t)})
	s.SetTargets([]Target{
		{Address: "three.bgw.invalid:" + port, Module: ModuleTCP, Group: "app", Proxy: "nginx"},
		{Address: "three.bgw.invalid:" + port, Module: ModuleTCP, Upstream: "be/s1", Group: "be", Proxy: "haproxy"},
		{Address: "nxdomain.bgw.invalid:80", Module: ModuleTCP},
	})
	s.Start()
	dead := "127.0.0.3:" + port
	deadFailures := `badgateway_probe_failures_total{cause="connection_refused",upstream="` + dead + `"}`
	waitFor(t, "a refused probe of the dead address", func() bool { return gather(t, s)[deadFailures] >= 1 })
	waitFor(t, "every result", func() bool {
		rows := s.statusData().Rows
		return len(rows) == 5 && !slices.ContainsFunc(rows, func(r statusRow) bool { return r.Pending })
	})
	m := gather(t, s)
	for _, ip := range []string{"127.0.0.1", "127.0.0.2"} {
		if k := fmt.Sprintf(`badgateway_probe_success{group="app",proxy="nginx",upstream="%s:%s"}`, ip, port); m[k] != 1 {
			t.Errorf("%s = %v", k, m[k])
		}
	}
	if k := `badgateway_probe_success{group="app",proxy="nginx",upstream="` + dead + `"}`; m[k] != 0 {
		t.Errorf("%s = %v", k, m[k])
	}
	if k := `badgateway_probe_success{group="be",proxy="haproxy",upstream="be/s1"}`; m[k] != 1 {
		t.Errorf("%s = %v (HAProxy probes the first address only)", k, m[k])
	}
	if k := `badgateway_probe_failures_total{cause="dns_failure",upstream="nxdomain.bgw.invalid:80"}`; m[k] < 1 {
		t.Errorf("%s = %v", k, m[k])
	}
	if k := `badgateway_probe_duration_seconds{phase="resolve",upstream="127.0.0.1:` + port + `"}`; m[k] <= 0 {
		t.Errorf("%s = %v", k, m[k])
	}
	if k := `badgateway_probe_last_run_timestamp_seconds{upstream="be/s1"}`; m[k] < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("%s = %v", k, m[k])
	}
}

// countingProbe counts its runs and passes, or blocks until release is
// closed when it is not nil.
type countingProbe struct {
	runs, running, maxRunning atomic.Int64
	release                   chan struct{}
}

func (c *countingProbe) probe(ctx context.Context, _ Target, r *Result) {
	c.runs.Add(1)
	n := c.running.Add(1)
	defer c.running.Add(-1)
	for m := c.maxRunning.Load(); n > m && !c.maxRunning.CompareAndSwap(m, n); m = c.maxRunning.Load() {
	}
	if c.release != nil {
		select {
		case <-c.release:
		case <-ctx.Done():
			r.fail(cause.ReadTimeout, ctx.Err())
			return
		}
	}
	r.Success = true
}

func TestScrapeNeverProbes(t *testing.T) {
	c := &countingProbe{}
	s := newScheduler(t, Options{Interval: time.Hour, Probes: map[Module]ProbeFunc{ModuleTCP: c.probe}})
	s.SetTargets([]Target{{Address: "127.0.0.1:1", Module: ModuleTCP}})
	s.Start()
	for i := 0; i < 50; i++ {
		gather(t, s)
	}
	if n := c.runs.Load(); n > 1 { // the first run falls at a random point of the hour
		t.Errorf("%d probes after 50 scrapes", n)
	}
}

func TestSetTargetsKeepsResults(t *testing.T) {
	c := &countingProbe{}
	fail := func(_ context.Context, _ Target, r *Result) { r.fail(cause.ConnectionRefused, nil) }
	s := newScheduler(t, Options{Interval: 100 * time.Millisecond, Timeout: 50 * time.Millisecond,
		Probes: map[Module]ProbeFunc{ModuleTCP: c.probe, ModuleTLS: fail}})
	a := Target{Address: "127.0.0.1:1", Module: ModuleTCP, Where: "a.conf:1"}
	b := Target{Address: "127.0.0.1:2", Module: ModuleTLS}
	s.SetTargets([]Target{a, b})
	s.Start()
	failures := `badgateway_probe_failures_total{cause="connection_refused",upstream="127.0.0.1:2"}`
	okA := `badgateway_probe_success{group="",proxy="",upstream="127.0.0.1:1"}`
	waitFor(t, "results", func() bool { m := gather(t, s); return m[failures] >= 1 && m[okA] == 1 })
	a.Where = "a.conf:7" // moved in its file: the same target
	s.SetTargets([]Target{a})
	m := gather(t, s)
	if m[okA] != 1 || m[failures] < 1 {
		t.Errorf("after SetTargets: %v", m)
	}
	if _, ok := m[`badgateway_probe_success{group="",proxy="",upstream="127.0.0.1:2"}`]; ok {
		t.Error("the removed target is still exported")
	}
	if rows := s.statusData().Rows; len(rows) != 1 || rows[0].T.Where != "a.conf:7" {
		t.Errorf("rows %+v", rows)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	c := &countingProbe{release: make(chan struct{})}
	s := newScheduler(t, Options{Interval: 100 * time.Millisecond, Timeout: 90 * time.Millisecond, Concurrency: 3,
		Probes: map[Module]ProbeFunc{ModuleTCP: c.probe}})
	var targets []Target
	for i := 0; i < 20; i++ {
		targets = append(targets, Target{Address: fmt.Sprintf("127.0.0.1:%d", 1000+i), Module: ModuleTCP})
	}
	s.SetTargets(targets)
	s.Start()
	waitFor(t, "probes", func() bool { return c.runs.Load() >= 40 })
	if m := c.maxRunning.Load(); m != 3 {
		t.Errorf("at most %d probes ran at once, want 3", m)
	}
}

func TestStopCancelsWithoutCounting(t *testing.T) {
	c := &countingProbe{release: make(chan struct{})}
	s := newScheduler(t, Options{Interval: time.Minute, Timeout: 50 * time.Second, Probes: map[Module]ProbeFunc{ModuleTCP: c.probe}})
	s.SetTargets([]Target{{Address: "127.0.0.1:1", Module: ModuleTCP}})
	s.mu.Lock()
	s.queue[0].next = time.Now() // due now
	s.mu.Unlock()
	s.Start()
	waitFor(t, "a running probe", func() bool { return c.running.Load() == 1 })
	s.Stop()
	if m := gather(t, s); len(m) != 0 {
		t.Errorf("a cancelled probe left metrics: %v", m)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{
		{Interval: time.Second, Timeout: time.Second},
		{Interval: -time.Second},
		{Jitter: 2},
		{Concurrency: -1},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v): no error", o)
		}
	}
	s := newScheduler(t, Options{Interval: 4 * time.Second})
	if s.opts.Timeout != 2*time.Second || s.opts.Concurrency != DefaultConcurrency {
		t.Errorf("defaults: %+v", s.opts)
	}
	s.SetTargets([]Target{{Address: "127.0.0.1:1", Module: ModuleTCP}})
	s.mu.Lock()
	s.queue[0].next = time.Now().Add(time.Hour)
	s.mu.Unlock()
	if err := s.SetOptions(Options{Interval: time.Minute, Concurrency: 2}); err != nil || cap(s.sem) != 2 {
		t.Errorf("SetOptions: %v, %d", err, cap(s.sem))
	}
	if next := time.Until(s.queue[0].next); next > time.Minute {
		t.Errorf("next run in %v after the interval went down to 1m", next)
	}
}
