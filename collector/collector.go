package collector

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/syslog"
	"github.com/badgateway/badgateway_exporter/tailer"
)

// Collector runs one tail group per configured log. Apply changes the set of
// logs without resetting any counter.
type Collector struct {
	m      *Metrics
	gov    *Governor
	logger *slog.Logger

	mu        sync.Mutex
	sources   map[config.LogConfig]*tailer.Group
	listeners map[string]*syslog.Listener // by config.SyslogConfig.Key()
}

// New registers the metrics with reg and returns a collector following no log yet.
func New(reg prometheus.Registerer, logger *slog.Logger) *Collector {
	m := NewMetrics(reg)
	return &Collector{
		m:         m,
		gov:       NewGovernor(config.DefaultMaxValuesPerLabel, m.LabelValuesFolded),
		logger:    logger,
		sources:   map[config.LogConfig]*tailer.Group{},
		listeners: map[string]*syslog.Listener{},
	}
}

// Apply makes the followed logs and syslog listeners match cfg: those that
// stay are left running, new ones are started, removed ones stopped. On
// error nothing changes.
func (c *Collector) Apply(cfg *config.Config) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	want := map[config.LogConfig]bool{}
	started := map[config.LogConfig]*tailer.Group{}
	wantListen := map[string]bool{}
	listening := map[string]*syslog.Listener{}
	undo := func() {
		for _, s := range started {
			_ = s.Stop()
		}
		for _, l := range listening {
			_ = l.Close()
		}
		c.m.ReloadSuccess.Set(0)
	}
	for _, lc := range cfg.Logs {
		want[lc] = true
		if _, running := c.sources[lc]; running {
			continue
		}
		g, err := c.start(lc)
		if err != nil {
			undo()
			return fmt.Errorf("following %s: %w", lc.Path, err)
		}
		started[lc] = g
	}
	for _, sc := range cfg.Syslog {
		key := sc.Key()
		wantListen[key] = true
		if _, running := c.listeners[key]; running {
			continue
		}
		if old := c.listenerOn(sc.Listen); old != "" && !wantListen[old] {
			// Same address, other settings: free it before binding again.
			_ = c.listeners[old].Close()
			delete(c.listeners, old)
		}
		l, err := c.startSyslog(sc)
		if err != nil {
			undo()
			return fmt.Errorf("syslog listener %s: %w", sc.Listen, err)
		}
		listening[key] = l
	}
	for key, l := range c.listeners {
		if !wantListen[key] {
			if err := l.Close(); err != nil {
				c.logger.Warn("Closing syslog listener", "listener", key, "err", err)
			}
			delete(c.listeners, key)
		}
	}
	for key, l := range listening {
		c.listeners[key] = l
	}
	for lc, g := range c.sources {
		if !want[lc] {
			if err := g.Stop(); err != nil {
				c.logger.Warn("Stopping log follower", "path", lc.Path, "err", err)
			}
			delete(c.sources, lc)
			c.logger.Info("Stopped following log", "path", lc.Path)
		}
	}
	for lc, g := range started {
		c.sources[lc] = g
	}
	c.gov.SetLimit(cfg.Limits.MaxValuesPerLabel)
	c.m.ReloadSuccess.Set(1)
	c.m.ReloadSuccessTime.SetToCurrentTime()
	return nil
}

// listenerOn returns the key of the running listener on addr, if any.
func (c *Collector) listenerOn(listen string) string {
	for key := range c.listeners {
		if strings.HasPrefix(key, listen+"|") {
			return key
		}
	}
	return ""
}

// ReloadFailed records a configuration that could not be loaded.
func (c *Collector) ReloadFailed() { c.m.ReloadSuccess.Set(0) }

func (c *Collector) start(lc config.LogConfig) (*tailer.Group, error) {
	newCounter, err := c.lineCounterFactory(lc)
	if err != nil {
		return nil, err
	}
	if matches, _ := filepath.Glob(lc.Path); len(matches) == 0 {
		c.logger.Warn("No file matches the log path yet; waiting for it", "path", lc.Path)
	}
	g, err := tailer.FollowGroup(tailer.GroupOptions{
		Options: tailer.Options{FromBeginning: lc.FromBeginning, Logger: c.logger},
		Globs:   []string{lc.Path},
	}, func(path string) tailer.Handler {
		logger := c.logger.With("path", path)
		return &fileHandler{lines: newCounter(path, logger), logger: logger}
	})
	if err != nil {
		return nil, err
	}
	c.logger.Info("Following log", "path", lc.Path, "format", lc.Format, "from_beginning", lc.FromBeginning)
	return g, nil
}

// lineCounterFactory returns what counts the lines of each file of a log.
func (c *Collector) lineCounterFactory(lc config.LogConfig) (func(path string, logger *slog.Logger) lineCounter, error) {
	switch lc.Format {
	case config.FormatNginxAccess:
		parser, err := lc.AccessParser()
		if err != nil {
			return nil, err
		}
		return func(path string, logger *slog.Logger) lineCounter {
			return newAccessLogFile(path, parser, lc.Server, c.m, c.gov, logger)
		}, nil
	case config.FormatHAProxy:
		return func(path string, _ *slog.Logger) lineCounter { return newHAProxyLogFile(path, c.m, c.gov) }, nil
	default:
		return func(path string, _ *slog.Logger) lineCounter { return newErrorLogFile(path, c.m, c.gov) }, nil
	}
}

// Close stops every follower.
func (c *Collector) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for lc, g := range c.sources {
		_ = g.Stop()
		delete(c.sources, lc)
	}
	for key, l := range c.listeners {
		_ = l.Close()
		delete(c.listeners, key)
	}
}

// lineCounter is what a file handler feeds: a parser with its metrics.
type lineCounter interface {
	Line(line []byte)
	CaughtUp()
	Rotated()
	Truncated()
	ReadError()
}

// fileHandler adapts one file's line counter to the tailer.
type fileHandler struct {
	lines   lineCounter
	logger  *slog.Logger
	deleted bool // the file was deleted: the next one opened at the path is a rotation
}

func (h *fileHandler) Line(line []byte) { h.lines.Line(line) }

func (h *fileHandler) Event(ev tailer.Event) {
	switch ev.Kind {
	case tailer.Idle:
		h.lines.CaughtUp()
	case tailer.Rotated:
		h.lines.Rotated()
	case tailer.Deleted:
		h.deleted = true
	case tailer.Opened:
		if h.deleted { // renamed away, then created again: logrotate before `nginx -s reopen`
			h.lines.Rotated()
			h.deleted = false
		}
	case tailer.Truncated:
		h.lines.Truncated()
	case tailer.ReadError:
		h.lines.ReadError()
		h.logger.Error("Cannot read log file; retrying", "err", ev.Err)
	case tailer.Recovered:
		h.logger.Info("Log file readable again")
	case tailer.LineTooLong:
		h.logger.Warn("Line longer than the line limit was cut", "limit_bytes", tailer.DefaultMaxLineBytes)
	}
}
