package collector

import (
	"fmt"
	"log/slog"

	"github.com/badgateway/badgateway_exporter/config"
)

// Apply makes the followed logs and syslog listeners match cfg without
// resetting any counter. A log or listener whose settings are unchanged
// keeps running; new ones are started first, so that a failure leaves the
// running configuration as it was. A log whose settings changed is
// restarted at the end of its files (its lines are never read twice), and
// so is an access log whose log_format_from format changed in nginx.conf; a
// listener whose settings changed is re-bound, and re-bound with its old
// settings if that fails.
func (c *Collector) Apply(cfg *config.Config) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gov.SetLimit(cfg.Limits.MaxValuesPerLabel) // before any line is read
	commitLogs, abortLogs, err := c.prepareLogs(cfg.Logs)
	if err != nil {
		c.m.ReloadSuccess.Set(0)
		return err
	}
	commitListeners, err := c.prepareListeners(cfg.Syslog)
	if err != nil {
		abortLogs()
		c.m.ReloadSuccess.Set(0)
		return err
	}
	commitLogs()
	if err := commitListeners(); err != nil {
		c.m.ReloadSuccess.Set(0)
		return err
	}
	c.m.ReloadSuccess.Set(1)
	c.m.ReloadSuccessTime.SetToCurrentTime()
	return nil
}

// prepareLogs starts the new logs and checks the changed ones. commit then
// restarts the changed ones, stops the removed ones and installs the new
// ones; abort stops what prepare started.
func (c *Collector) prepareLogs(logs []config.LogConfig) (commit, abort func(), err error) {
	want := map[string]bool{}
	started := map[string]*runningLog{}
	var changed []logChange
	for _, lc := range logs {
		want[lc.Path] = true
		r := c.sources[lc.Path]
		if r != nil { // running: its new settings, or its log_format in nginx.conf, may differ
			if r.cfg == lc && lc.LogFormatFrom == (config.LogFormatFrom{}) {
				continue
			}
			newCounter, format, err := c.lineCounterFactory(lc)
			if err != nil {
				c.stopAll(started)
				return nil, nil, fmt.Errorf("following %s: %w", lc.Path, err)
			}
			if r.cfg != lc || r.format != format { // applied once nothing can fail
				changed = append(changed, logChange{lc, format, newCounter})
			}
			continue
		}
		r, err := c.start(lc)
		if err != nil {
			c.stopAll(started)
			return nil, nil, fmt.Errorf("following %s: %w", lc.Path, err)
		}
		started[lc.Path] = r
	}
	abort = func() { c.stopAll(started) }
	commit = func() { c.commitLogs(want, started, changed) }
	return commit, abort, nil
}

// logChange is a followed log whose settings changed, with its new line counters.
type logChange struct {
	lc         config.LogConfig
	format     string
	newCounter func(string, *slog.Logger) lineCounter
}

func (c *Collector) commitLogs(want map[string]bool, started map[string]*runningLog, changed []logChange) {
	for _, ch := range changed {
		_ = c.stopLog(ch.lc.Path, c.sources[ch.lc.Path])
		resumed := ch.lc
		resumed.FromBeginning = false // what the old tail read stays read
		g, err := c.follow(resumed, ch.newCounter)
		if err != nil { // only invalid tail options fail here, never a checked config
			c.logger.Error("Restarting log follower failed", "path", ch.lc.Path, "err", err)
			delete(c.sources, ch.lc.Path)
			continue
		}
		c.sources[ch.lc.Path] = &runningLog{cfg: ch.lc, format: ch.format, g: g}
	}
	for path, r := range c.sources {
		if !want[path] {
			if err := c.stopLog(path, r); err != nil {
				c.logger.Warn("Stopping log follower", "path", path, "err", err)
			}
			delete(c.sources, path)
			c.logger.Info("Stopped following log", "path", path)
		}
	}
	for path, r := range started {
		c.sources[path] = r
	}
}

func (c *Collector) stopAll(started map[string]*runningLog) {
	for path, r := range started {
		_ = c.stopLog(path, r)
	}
}

// prepareListeners binds the listeners on new addresses; commit re-binds
// the changed ones, closes the removed ones and installs the new ones. On
// error nothing is left bound.
func (c *Collector) prepareListeners(listeners []config.SyslogConfig) (commit func() error, err error) {
	want := map[string]bool{}
	started := map[string]*runningListener{}
	undo := func() {
		for _, r := range started {
			_ = r.l.Close()
		}
	}
	var changed []config.SyslogConfig
	for _, sc := range listeners {
		want[sc.Listen] = true
		r := c.listeners[sc.Listen]
		switch {
		case r != nil && r.cfg.Key() == sc.Key():
			continue
		case r != nil:
			changed = append(changed, sc)
			continue
		}
		l, err := c.startSyslog(sc)
		if err != nil {
			undo()
			return nil, fmt.Errorf("syslog listener %s: %w", sc.Listen, err)
		}
		started[sc.Listen] = &runningListener{cfg: sc, l: l}
	}
	return func() error { return c.commitListeners(want, started, changed, undo) }, nil
}

func (c *Collector) commitListeners(want map[string]bool, started map[string]*runningListener, changed []config.SyslogConfig, undo func()) error {
	for _, sc := range changed { // same address, other settings: free it, bind again
		old := c.listeners[sc.Listen]
		_ = old.l.Close()
		l, err := c.startSyslog(sc)
		if err != nil {
			if back, err2 := c.startSyslog(old.cfg); err2 == nil {
				c.listeners[sc.Listen] = &runningListener{cfg: old.cfg, l: back}
			} else {
				delete(c.listeners, sc.Listen)
				c.logger.Error("Syslog listener lost: cannot bind it again with its old settings", "listen", sc.Listen, "err", err2)
			}
			undo()
			return fmt.Errorf("syslog listener %s: %w", sc.Listen, err)
		}
		c.listeners[sc.Listen] = &runningListener{cfg: sc, l: l}
	}
	for addr, r := range c.listeners {
		if !want[addr] {
			if err := r.l.Close(); err != nil {
				c.logger.Warn("Closing syslog listener", "listen", addr, "err", err)
			}
			delete(c.listeners, addr)
		}
	}
	for addr, r := range started {
		c.listeners[addr] = r
	}
	return nil
}
