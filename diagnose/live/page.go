package live

import (
	"cmp"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/probe"
)

// DefaultInterval is how long a computed page is served before the next
// request computes it again.
const DefaultInterval = 10 * time.Second

// Probes is the probe scheduler's state as the page reads it
// (runner.Manager has it).
type Probes interface {
	Latest() ([]probe.Latest, probe.Discovery)
}

// Options configure a Page; zero values take the defaults.
type Options struct {
	Gatherer    prometheus.Gatherer // the exporter's own metrics
	Probes      Probes              // nil: no probes
	Logger      *slog.Logger
	Interval    time.Duration // DefaultInterval
	SampleEvery time.Duration // DefaultSampleEvery
	Keep        int           // samples kept: DefaultKeep
	MaxSeries   int           // per counter and sample: DefaultMaxSeries
	Now         func() time.Time
}

// Page is the /diagnose page of the running exporter.
type Page struct {
	o     Options
	cache cache[View]

	mu   sync.Mutex // guards ring
	ring *ring

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// New returns a Page and takes its first sample at once: create it before
// the exporter starts counting, so that everything counted later is seen
// as an increase.
func New(o Options) *Page {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Interval = cmp.Or(o.Interval, DefaultInterval)
	o.SampleEvery = cmp.Or(o.SampleEvery, DefaultSampleEvery)
	o.Keep = cmp.Or(o.Keep, DefaultKeep)
	o.MaxSeries = cmp.Or(o.MaxSeries, DefaultMaxSeries)
	if o.Now == nil {
		o.Now = time.Now
	}
	p := &Page{o: o, ring: newRing(o.Keep), stop: make(chan struct{})}
	p.cache = cache[View]{interval: o.Interval, now: o.Now, compute: p.compute}
	p.Sample()
	return p
}

// Start samples the counters every SampleEvery until Stop.
func (p *Page) Start() {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(p.o.SampleEvery)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.Sample()
			}
		}
	}()
}

// Stop stops sampling.
func (p *Page) Stop() {
	p.stopOnce.Do(func() { close(p.stop) })
	p.wg.Wait()
}

// Sample reads the counters into the ring. A read that got nothing (the
// Gatherer failed) is left out: the next sample is compared with the one
// before it.
func (p *Page) Sample() {
	s := p.read()
	if s.Values == nil {
		return
	}
	p.mu.Lock()
	p.ring.add(s)
	p.mu.Unlock()
}

func (p *Page) read() Sample {
	if p.o.Gatherer == nil {
		return Sample{Time: p.o.Now(), Values: map[key]float64{}}
	}
	s, err := readSample(p.o.Gatherer, p.o.MaxSeries, p.o.Now())
	if err != nil {
		p.o.Logger.Warn("The /diagnose page could not read every metric", "err", err)
	}
	return s
}

// View returns the page's content, computed at most once per Interval.
func (p *Page) View() (View, bool) { return p.cache.get() }

// compute reads the counters now and the probe state, and builds the view
// against the ring's history.
func (p *Page) compute() View {
	now := p.read()
	var latest []probe.Latest
	var d probe.Discovery
	if p.o.Probes != nil {
		latest, d = p.o.Probes.Latest()
	}
	p.mu.Lock()
	stats := windowStats(p.ring, now)
	since := p.ring.oldest()
	truncated := now.Truncated || slices.ContainsFunc(p.ring.since(time.Time{}), func(s Sample) bool { return s.Truncated })
	p.mu.Unlock()
	v := build(now.Time, stats, latest, d)
	v.HistorySince, v.Interval, v.Truncated = since, p.o.Interval, truncated
	return v
}

// ServeHTTP serves the page: HTML, or the diagnose.Report as JSON with
// ?format=json. Nothing else in the request is read: the page only shows
// the exporter's own configured and discovered targets.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v, ok := p.View()
	if !ok {
		http.Error(w, "diagnose failed; see the exporter's log", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "json" {
		rep := v.Report
		rep.Findings = slices.Clone(rep.Findings) // JSON sorts in place: the cached view is shared
		b, err := rep.JSON()
		if err != nil {
			p.o.Logger.Error("Cannot encode the /diagnose report", "err", err)
			http.Error(w, "cannot encode the report", http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(append(b, '\n'))
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	// No script, no external resource: inline styles only.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	if err := pageTemplate.Execute(w, v); err != nil {
		p.o.Logger.Error("Cannot render the /diagnose page", "err", err)
	}
}
