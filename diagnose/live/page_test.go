package live

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

func ptr[T any](v T) *T { return &v }

type fakeProbes struct {
	latest []probe.Latest
	d      probe.Discovery
}

func (f fakeProbes) Latest() ([]probe.Latest, probe.Discovery) { return f.latest, f.d }

// world is an exporter's registry with the page's counters.
type world struct {
	reg           *prometheus.Registry
	errs, reqs    *prometheus.CounterVec
	probeFailures *prometheus.CounterVec
}

func newWorld() *world {
	w := &world{reg: prometheus.NewRegistry(),
		errs:          prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badgateway_upstream_errors_total", Help: "h"}, []string{"proxy", "cause", "upstream", "server"}),
		reqs:          prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badgateway_requests_total", Help: "h"}, []string{"proxy", "server", "upstream", "status"}),
		probeFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "badgateway_probe_failures_total", Help: "h"}, []string{"upstream", "cause"}),
	}
	w.reg.MustRegister(w.errs, w.reqs, w.probeFailures)
	return w
}

func get(t *testing.T, h http.Handler, url string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(b)
}

func TestPageShowsFindingsAndTheFailingTable(t *testing.T) {
	w := newWorld()
	clk := &fakeClock{t: t0}
	probes := fakeProbes{
		latest: []probe.Latest{
			{Target: probe.Target{Address: "127.0.0.1:6000", Module: probe.ModuleTCP, Proxy: "nginx", Group: "app", Where: "/etc/nginx/conf.d/app.conf:14"},
				Result: probe.Result{Upstream: "127.0.0.1:6000", Cause: cause.ConnectionRefused, Err: "dial tcp 127.0.0.1:6000: connect: connection refused", Start: t0.Add(50 * time.Second)}},
			{Target: probe.Target{Address: "127.0.0.1:7000", Module: probe.ModuleHTTP}, Result: probe.Result{Upstream: "127.0.0.1:7000", Success: true}},
		},
		d: probe.Discovery{Unprobeable: []probe.Unprobeable{{Where: "nginx.conf:30", What: "proxy_pass http://$backend", Reason: "built from variables"}}},
	}
	p := New(Options{Gatherer: w.reg, Probes: probes, Now: clk.now})
	w.errs.WithLabelValues("nginx", "connection_refused", "127.0.0.1:5000", "shop.test").Add(41)
	w.errs.WithLabelValues("haproxy", "read_timeout", "be/app1", "fe").Add(3)
	w.reqs.WithLabelValues("nginx", "shop.test", "127.0.0.1:5000", "502").Add(30)
	w.reqs.WithLabelValues("nginx", "shop.test", "127.0.0.1:5000", "200").Add(70)
	w.probeFailures.WithLabelValues("127.0.0.1:6000", "connection_refused").Add(4)
	clk.add(time.Minute)

	resp, page := get(t, p, "/diagnose?target=http://evil.invalid/&format=html")
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("headers %v", resp.Header)
	}
	for _, want := range []string{
		`<table id="failing">`,
		"<tr><td>nginx</td><td><code>127.0.0.1:5000</code></td><td><code>connection_refused</code></td><td class=\"n\">41</td><td class=\"n\">41</td><td class=\"n\">41</td></tr>",
		"<tr><td>probe</td><td><code>127.0.0.1:6000</code></td><td><code>connection_refused</code></td>",
		"<tr><td>HAProxy</td><td><code>be/app1</code></td><td><code>read_timeout</code></td>",
		"nginx: connection_refused to 127.0.0.1:5000, 41 in the last 5 min",
		"41 in the last 5 min, 41 in 15 min, 41 in 60 min",
		"nothing listens on that port or socket", // the cause's fix hint
		"nginx -T shows where",                   // and the proxy's
		"tcp probe at 2026-12-02 03:00:50 UTC: dial tcp 127.0.0.1:6000: connect: connection refused",
		"configured at /etc/nginx/conf.d/app.conf:14 (nginx app)",
		"30.0 % of requests passed to 127.0.0.1:5000 answered 5xx",
		"cannot be probed: proxy_pass http://$backend",
		`href="https://github.com/badgateway/badgateway_exporter/blob/main/docs/runbook.md#connection_refused"`,
		"History since 2026-12-02 03:00:00 UTC only",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "evil") || strings.Contains(page, "127.0.0.1:7000 fails") {
		t.Error("the page shows what the request named, or a passing probe as failing")
	}
	// Failing findings first; the unprobeable upstream (a risk) last.
	if i, j := strings.Index(page, "connection_refused to 127.0.0.1:5000"), strings.Index(page, "cannot be probed"); i < 0 || j < i {
		t.Error("findings out of order")
	}

	_, js := get(t, p, "/diagnose?format=json")
	var rep diagnose.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("JSON: %v\n%s", err, js)
	}
	if len(rep.Findings) != 5 || rep.Findings[0].Severity != diagnose.Critical || rep.Findings[4].Check != diagnose.CheckConfig {
		t.Fatalf("JSON findings %+v", rep.Findings)
	}
	var probeFinding diagnose.Finding
	for _, f := range rep.Findings {
		if f.Check == diagnose.CheckConnectivity {
			probeFinding = f
		}
	}
	if probeFinding.Cause != "connection_refused" || probeFinding.Upstream != "127.0.0.1:6000" || !probeFinding.Failing ||
		probeFinding.Runbook != "docs/runbook.md#connection_refused" || !probeFinding.Seen.Equal(t0.Add(50*time.Second)) {
		t.Errorf("probe finding %+v", probeFinding)
	}
}

// Label values come from hostile logs: markup is escaped and invalid UTF-8
// replaced, in the HTML and in the JSON.
func TestPageEscapesHostileValues(t *testing.T) {
	hostile := "<script>alert(1)</script>\xff\xfe:80"
	fam := &dto.MetricFamily{Name: ptr("badgateway_upstream_errors_total"), Type: dto.MetricType_COUNTER.Enum(),
		Metric: []*dto.Metric{{Label: []*dto.LabelPair{
			{Name: ptr("proxy"), Value: ptr("nginx")}, {Name: ptr("cause"), Value: ptr("dns_failure")},
			{Name: ptr("upstream"), Value: ptr(hostile)}, {Name: ptr("server"), Value: ptr("<b>x</b>")},
		}, Counter: &dto.Counter{Value: ptr(3.0)}}}}
	var first atomic.Bool
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		if !first.Swap(true) {
			return nil, nil // the first sample: nothing counted yet
		}
		return []*dto.MetricFamily{fam}, nil
	})
	probes := fakeProbes{latest: []probe.Latest{{Target: probe.Target{Module: probe.ModuleTCP, Where: "<i>conf</i>:1"},
		Result: probe.Result{Upstream: hostile, Cause: cause.ProtocolError, Err: "<img src=x onerror=alert(1)>\xc3"}}}}
	p := New(Options{Gatherer: g, Probes: probes})
	_, page := get(t, p, "/diagnose")
	if !utf8.ValidString(page) {
		t.Error("the page is not valid UTF-8")
	}
	for _, bad := range []string{"<script>", "<img", "<b>x", "<i>conf"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;\uFFFD:80", "&lt;img src=x onerror=alert(1)&gt;\uFFFD", "&lt;b&gt;x&lt;/b&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	_, js := get(t, p, "/diagnose?format=json")
	var rep diagnose.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil || !utf8.ValidString(js) || len(rep.Findings) != 2 {
		t.Fatalf("JSON %v: %s", err, js)
	}
}

// countingGatherer counts its calls and blocks them until released.
type countingGatherer struct {
	calls   atomic.Int64
	release chan struct{}
}

func (g *countingGatherer) Gather() ([]*dto.MetricFamily, error) {
	g.calls.Add(1)
	<-g.release
	return nil, nil
}

// N concurrent requests of the page make one computation: one Gather, one
// read of the probes.
func TestPageConcurrentRequestsComputeOnce(t *testing.T) {
	g := &countingGatherer{release: make(chan struct{})}
	close(g.release) // the first sample
	p := New(Options{Gatherer: g})
	g.calls.Store(0)
	g.release = make(chan struct{})
	const n = 12
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := get(t, p, "/diagnose")
			codes <- resp.StatusCode
		}()
	}
	waitUntil(t, "every request to wait for the one computation", func() bool { return p.cache.joined.Load() == n-1 })
	close(g.release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("status %d", c)
		}
	}
	if got := g.calls.Load(); got != 1 {
		t.Fatalf("%d computations (Gather calls) for %d concurrent requests, want 1", got, n)
	}
	get(t, p, "/diagnose?format=json")
	if got := g.calls.Load(); got != 1 {
		t.Fatalf("a request within the interval computed again (%d)", got)
	}
}
