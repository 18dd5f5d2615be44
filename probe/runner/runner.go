// Package runner runs the exporter's probes: it owns the probe.Scheduler
// (its metrics and its /probes status page), turns the configuration's
// probes section into scheduler options and static targets, and keeps the
// targets that package discover finds in the nginx and HAProxy
// configurations up to date: on start, on every reload (Apply) and on the
// discover interval.
//
// Package probe knows how to probe one target; package discover how to
// read proxy configurations into targets; this package wires both to the
// configuration and to time.
package runner

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/probe"
)

// discoveryTimeout bounds one discovery (nginx -T runs a process).
const discoveryTimeout = 30 * time.Second

// Manager runs the probes of the exporter: the static targets of the
// configuration plus those discovered from nginx and HAProxy, re-discovered
// on every Apply (a reload) and on the discover interval. A failed
// discovery keeps the targets found before and shows the error on the
// status page.
type Manager struct {
	logger *slog.Logger
	sched  *probe.Scheduler

	mu      sync.Mutex // serializes discoveries; guards the fields below
	cfg     config.ProbesConfig
	static  []probe.Target
	found   map[string]found // by source: "nginx", "haproxy", "apache"
	errs    map[string]string
	skipped map[probe.Unprobeable]bool // already logged

	reset     chan struct{}
	stop      chan struct{}
	wg        sync.WaitGroup
	startOnce sync.Once
	stopOnce  sync.Once
}

type found struct {
	targets     []probe.Target
	unprobeable []probe.Unprobeable
}

// New returns a Manager with nothing to probe; call Apply and Start.
func New(logger *slog.Logger) *Manager {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sched, err := probe.New(probe.Options{Logger: logger})
	if err != nil {
		panic(err) // the defaults are valid
	}
	return &Manager{logger: logger, sched: sched, found: map[string]found{}, errs: map[string]string{},
		skipped: map[probe.Unprobeable]bool{}, reset: make(chan struct{}, 1), stop: make(chan struct{})}
}

// Check reports whether Apply would accept cfg, changing nothing.
func (m *Manager) Check(cfg config.ProbesConfig) error {
	return schedulerOptions(cfg, m.logger).Check()
}

// Apply takes a (validated) probes section: options, static targets and
// discovery sources; it discovers at once. It fails only on options the
// scheduler rejects (where Check fails), and then changes nothing.
func (m *Manager) Apply(cfg config.ProbesConfig) error {
	if err := m.sched.SetOptions(schedulerOptions(cfg, m.logger)); err != nil {
		return err
	}
	m.mu.Lock()
	m.cfg = cfg
	m.static = staticTargets(cfg)
	m.mu.Unlock()
	m.Rediscover()
	select {
	case m.reset <- struct{}{}:
	default:
	}
	return nil
}

// Rediscover reads the nginx, HAProxy and Apache configurations again and updates
// the targets.
func (m *Manager) Rediscover() {
	m.mu.Lock()
	defer m.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
	defer cancel()
	d, o := m.cfg.Discover, discoverOptions(m.cfg.Discover)
	m.discover("nginx", d.NginxConfig != "" || d.NginxBinary != "", func() ([]probe.Target, []probe.Unprobeable, error) {
		if d.NginxBinary != "" {
			return discover.NginxBinary(ctx, d.NginxBinary, d.NginxArgs, o)
		}
		return discover.NginxFile(d.NginxConfig, o)
	})
	m.discover("haproxy", d.HAProxyConfig != "", func() ([]probe.Target, []probe.Unprobeable, error) {
		return discover.HAProxy(d.HAProxyConfig)
	})
	m.discover("apache", d.ApacheConfig != "" || d.ApacheBinary != "", func() ([]probe.Target, []probe.Unprobeable, error) {
		if d.ApacheBinary != "" {
			return discover.ApacheBinary(ctx, d.ApacheBinary, d.ApacheArgs, o)
		}
		return discover.ApacheFile(d.ApacheConfig, o)
	})
	targets := slices.Clone(m.static)
	var unprobeable []probe.Unprobeable
	var errs []string
	for _, src := range []string{"nginx", "haproxy", "apache"} {
		targets = append(targets, m.found[src].targets...)
		unprobeable = append(unprobeable, m.found[src].unprobeable...)
		if e := m.errs[src]; e != "" {
			errs = append(errs, e)
		}
	}
	m.sched.SetTargets(targets)
	m.sched.SetDiscovery(probe.Discovery{Unprobeable: unprobeable, Errors: errs, Updated: time.Now()})
}

// discover runs one source, logging what changed.
func (m *Manager) discover(src string, enabled bool, run func() ([]probe.Target, []probe.Unprobeable, error)) {
	if !enabled {
		delete(m.found, src)
		delete(m.errs, src)
		return
	}
	ts, us, err := run()
	if err != nil {
		msg := src + ": " + err.Error()
		if m.errs[src] != msg {
			m.logger.Error("Discovering upstreams failed; keeping the ones found before", "proxy", src, "err", err)
		}
		m.errs[src] = msg
		return
	}
	delete(m.errs, src)
	for _, u := range us {
		if !m.skipped[u] {
			m.skipped[u] = true
			m.logger.Warn("Upstream cannot be probed", "proxy", src, "where", u.Where, "what", u.What, "reason", u.Reason)
		}
	}
	if len(ts) != len(m.found[src].targets) {
		m.logger.Info("Discovered upstreams", "proxy", src, "targets", len(ts), "unprobeable", len(us))
	}
	m.found[src] = found{ts, us}
}

// Start starts probing and periodic discovery.
func (m *Manager) Start() {
	m.startOnce.Do(func() {
		m.sched.Start()
		m.wg.Add(1)
		go m.loop()
	})
}

// Stop stops probing and discovery.
func (m *Manager) Stop() {
	m.stopOnce.Do(func() {
		close(m.stop)
		m.wg.Wait()
		m.sched.Stop()
	})
}

func (m *Manager) loop() {
	defer m.wg.Done()
	timer := time.NewTimer(m.interval())
	defer timer.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-m.reset: // Apply has just discovered
		case <-timer.C:
			m.Rediscover()
		}
		timer.Reset(m.interval())
	}
}

func (m *Manager) interval() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if iv := m.cfg.Discover.Interval; iv > 0 {
		return iv
	}
	return config.DefaultDiscoveryInterval
}

// Collector exports the probe metrics; register it once.
func (m *Manager) Collector() prometheus.Collector { return m.sched }

// StatusHandler serves the probe status page.
func (m *Manager) StatusHandler() http.Handler { return m.sched.StatusHandler() }
