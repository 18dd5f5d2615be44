package probe

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// Scheduler probes its targets on an interval and keeps the latest result
// of each. It is a prometheus.Collector: Collect reads those results and
// never probes.
type Scheduler struct {
	mu        sync.RWMutex // guards all below
	opts      Options
	sem       chan struct{}
	entries   map[string]*entry
	queue     entryQueue
	failures  map[failureKey]uint64
	discovery Discovery

	wake   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	start  sync.Once
}

// entry is one target and its latest results (one per address).
type entry struct {
	key     string
	target  Target
	results []Result
	running bool
	removed bool
	next    time.Time
	index   int // in the queue
}

type failureKey struct{ upstream, cause string }

// New returns a Scheduler with no targets; call SetTargets and Start.
func New(o Options) (*Scheduler, error) {
	if err := o.setDefaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		opts:     o,
		sem:      make(chan struct{}, o.Concurrency),
		entries:  map[string]*entry{},
		failures: map[failureKey]uint64{},
		wake:     make(chan struct{}, 1),
		ctx:      ctx,
		cancel:   cancel,
	}, nil
}

// SetOptions changes the options of a running Scheduler, for a reload.
// A new interval spreads the next runs over it again.
func (s *Scheduler) SetOptions(o Options) error {
	if err := o.setDefaults(); err != nil {
		return err
	}
	s.mu.Lock()
	if o.Concurrency != s.opts.Concurrency {
		s.sem = make(chan struct{}, o.Concurrency) // running probes release the old one
	}
	if o.Interval != s.opts.Interval {
		now := time.Now()
		for _, e := range s.queue {
			e.next = now.Add(time.Duration(rand.Float64() * float64(o.Interval)))
		}
		heap.Init(&s.queue)
	}
	s.opts = o
	s.mu.Unlock()
	s.poke()
	return nil
}

// SetTargets replaces the targets. Targets that stay (same address, module,
// labels and options) keep their results and schedule; failure counters are
// never reset.
func (s *Scheduler) SetTargets(targets []Target) {
	now := time.Now()
	s.mu.Lock()
	next := make(map[string]*entry, len(targets))
	for _, t := range targets {
		k := t.Key()
		if _, dup := next[k]; dup {
			continue
		}
		if e, ok := s.entries[k]; ok {
			e.target = t // Where and Params may have moved
			next[k] = e
			continue
		}
		e := &entry{key: k, target: t, next: now.Add(time.Duration(rand.Float64() * float64(s.opts.Interval)))}
		heap.Push(&s.queue, e)
		next[k] = e
	}
	for k, e := range s.entries {
		if _, ok := next[k]; !ok {
			e.removed = true
			if e.index >= 0 {
				heap.Remove(&s.queue, e.index)
			}
		}
	}
	s.entries = next
	s.mu.Unlock()
	s.poke()
}

// Discovery is what the status page shows besides the targets.
type Discovery struct {
	Unprobeable []Unprobeable
	Errors      []string // discovery failures; the targets found before stay
	Updated     time.Time
}

// SetDiscovery replaces the status page's list of upstreams that cannot be
// probed and of discovery errors.
func (s *Scheduler) SetDiscovery(d Discovery) {
	s.mu.Lock()
	s.discovery = d
	s.mu.Unlock()
}

// Start starts probing in the background.
func (s *Scheduler) Start() {
	s.start.Do(func() {
		s.wg.Add(1)
		go s.loop()
	})
}

// Stop stops probing and waits for the probes under way, which are
// cancelled. Results stay readable.
func (s *Scheduler) Stop() {
	s.cancel()
	s.wg.Wait()
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop starts the probes that are due, then sleeps until the next one is.
func (s *Scheduler) loop() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		timer.Reset(max(s.dispatchDue(), s.tick()))
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// tick is the least time between two wake-ups of the loop: runs due within
// it start together, which saves the CPU of waking up for each target.
func (s *Scheduler) tick() time.Duration {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return min(maxTick, s.opts.Interval/100)
}

// maxTick bounds tick: a run starts at most this late.
const maxTick = 100 * time.Millisecond

// dispatchDue starts every due target, waiting for a free slot when the
// concurrency limit is reached, and returns how long until the next one.
func (s *Scheduler) dispatchDue() time.Duration {
	for {
		now := time.Now()
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return time.Hour
		}
		e := s.queue[0]
		if wait := e.next.Sub(now); wait > 0 {
			s.mu.Unlock()
			return wait
		}
		e.next = s.nextRun(e.next, now)
		heap.Fix(&s.queue, e.index)
		if e.running { // still probing since the last interval: skip this run
			s.mu.Unlock()
			continue
		}
		e.running = true
		sem, t, timeout := s.sem, e.target, s.opts.Timeout
		s.mu.Unlock()
		select {
		case sem <- struct{}{}:
		case <-s.ctx.Done():
			return time.Hour
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			results := s.probeTarget(s.ctx, t, timeout)
			<-sem
			s.store(e, results)
		}()
	}
}

// nextRun is one interval after the run that was due, spread by the
// jitter; never in the past.
func (s *Scheduler) nextRun(due, now time.Time) time.Time {
	iv := float64(s.opts.Interval)
	next := due.Add(time.Duration(iv + (rand.Float64()-0.5)*s.opts.Jitter*iv))
	if next.Before(now) {
		next = now.Add(time.Duration(rand.Float64() * s.opts.Jitter * iv))
	}
	return next
}

// store records the results of a run and counts its failures.
func (s *Scheduler) store(e *entry, results []Result) {
	if s.ctx.Err() != nil {
		return // stopping: the probes were cancelled, not failed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.running = false
	for _, r := range results {
		if !r.Success && r.Cause != cause.None {
			s.failures[failureKey{r.Upstream, r.Cause.String()}]++
		}
	}
	if !e.removed {
		s.logChanges(e.results, results)
		e.results = results
	}
}
