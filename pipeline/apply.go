package pipeline

import (
	"fmt"
	"log/slog"

	"github.com/badgateway/badgateway_exporter/config"
)

// Apply makes the followed logs and syslog listeners match cfg without
// resetting any counter. It prepares everything that can fail first (the
// line counters, with their log formats; the sockets of new listeners), and
// changes nothing running unless all of it succeeded. Then:
//   - a log whose settings changed keeps following its files from where it
//     is, and counts with its new settings from the next line;
//   - new logs start, removed logs stop;
//   - a log read from S3 whose settings changed is restarted after the
//     last object it counted (the lines of an object it was in the middle
//     of are not counted again);
//   - a listener whose settings changed is re-bound, and re-bound with its
//     old settings if that fails (the only step that can still fail: it is
//     done before anything else changes);
//   - the label limit changes last.
func (c *Pipeline) Apply(cfg *config.Config) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	logs, err := c.prepareLogs(cfg.Logs)
	if err != nil {
		c.m.ReloadSuccess.Set(0)
		return err
	}
	s3Start, s3Changed, s3Want, err := c.prepareS3(cfg.Logs)
	if err != nil {
		c.m.ReloadSuccess.Set(0)
		return err
	}
	commitListeners, err := c.prepareListeners(cfg.Syslog)
	if err != nil {
		c.m.ReloadSuccess.Set(0)
		return err
	}
	if err := commitListeners(); err != nil {
		c.m.ReloadSuccess.Set(0)
		return err
	}
	c.gov.SetLimits(cfg.Limits) // before a new log reads its first line
	c.commitLogs(logs)
	c.commitS3(s3Start, s3Changed, s3Want)
	c.m.ReloadSuccess.Set(1)
	c.m.ReloadSuccessTime.SetToCurrentTime()
	return nil
}

// logPlan is what Apply will do to the logs.
type logPlan struct {
	want    map[string]bool
	start   []logStart // new logs
	changed []logStart // running logs with new settings
}

// logStart is a log with its line counters made.
type logStart struct {
	lc         config.LogConfig
	format     string
	newCounter func(string, *slog.Logger) lineCounter
}

// prepareLogs makes the line counters of new logs and of running logs
// whose settings (or log_format in nginx.conf) changed. Nothing starts.
func (c *Pipeline) prepareLogs(logs []config.LogConfig) (*logPlan, error) {
	plan := &logPlan{want: map[string]bool{}}
	for _, lc := range logs {
		if lc.S3.Given() { // prepareS3's
			continue
		}
		plan.want[lc.Path] = true
		r := c.sources[lc.Path]
		if r != nil && r.cfg.SameSettings(lc) && !lc.UsesLogFormatFrom() {
			continue // running, unchanged
		}
		newCounter, format, err := c.lineCounterFactory(lc)
		if err != nil { // names the file, line and field of the entry
			return nil, err
		}
		switch {
		case r == nil, r.cfg.Format.IsArchive() != lc.Format.IsArchive(): // a new log, or read another way: started afresh
			plan.start = append(plan.start, logStart{lc, format, newCounter})
		case !r.cfg.SameSettings(lc) || r.format != format:
			plan.changed = append(plan.changed, logStart{lc, format, newCounter})
		}
	}
	return plan, nil
}

// commitLogs switches changed logs to their new counters, stops removed
// logs and starts new ones, in config order.
func (c *Pipeline) commitLogs(plan *logPlan) {
	for _, ch := range plan.changed {
		r := c.sources[ch.lc.Path]
		r.cfg, r.format = ch.lc, ch.format
		r.counters.cur.Store(&counterFactory{newCounter: ch.newCounter})
		c.logger.Info("Log settings changed; continuing where it was", "path", ch.lc.Path)
	}
	for path, r := range c.sources {
		if !plan.want[path] {
			if err := c.stopLog(path, r); err != nil {
				c.logger.Warn("Stopping log follower", "path", path, "err", err)
			}
			delete(c.sources, path)
			c.logger.Info("Stopped following log", "path", path)
		}
	}
	for _, st := range plan.start {
		if old := c.sources[st.lc.Path]; old != nil { // now read as an archive, or no longer
			if err := c.stopLog(st.lc.Path, old); err != nil {
				c.logger.Warn("Stopping log follower", "path", st.lc.Path, "err", err)
			}
		}
		counters := newCounterSwitch(st.newCounter)
		if st.lc.Format.IsArchive() {
			a, err := c.readArchive(st.lc, counters)
			if err != nil { // only a bad glob fails here, never a checked config
				c.logger.Error("Starting archive log reader failed", "path", st.lc.Path, "err", err)
				continue
			}
			c.sources[st.lc.Path] = &runningLog{cfg: st.lc, archive: a, counters: counters}
			continue
		}
		g, err := c.follow(st.lc, counters)
		if err != nil { // only invalid tail options fail here, never a checked config
			c.logger.Error("Starting log follower failed", "path", st.lc.Path, "err", err)
			continue
		}
		c.sources[st.lc.Path] = &runningLog{cfg: st.lc, format: st.format, g: g, counters: counters}
	}
}

// prepareListeners binds the listeners on new addresses, held: they count
// nothing until commit releases them. commit re-binds the changed ones
// (the one step that can still fail: it then puts back what it changed and
// discards the new ones), closes the removed ones and releases the new
// ones. On error nothing new is left bound.
func (c *Pipeline) prepareListeners(listeners []config.SyslogConfig) (commit func() error, err error) {
	want := map[string]bool{}
	started := map[string]*runningListener{}
	held := map[string]*forwardHandler{}
	undo := func() {
		for addr, r := range started {
			held[addr].set(discarding)
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
		fwd := newForwardHandler(true)
		l, err := c.startSyslog(sc, fwd)
		if err != nil {
			undo()
			return nil, fmt.Errorf("syslog listener %s: %w", sc.Listen, err)
		}
		started[sc.Listen], held[sc.Listen] = &runningListener{cfg: sc, l: l}, fwd
	}
	return func() error {
		if err := c.rebindListeners(changed); err != nil {
			undo()
			return err
		}
		c.closeListeners(want)
		for addr, r := range started {
			c.listeners[addr] = r
			held[addr].set(forwarding)
		}
		return nil
	}, nil
}

// rebindListeners binds again, with their new settings, listeners on the
// same address; if one fails, it and those already re-bound get their old
// settings back.
func (c *Pipeline) rebindListeners(changed []config.SyslogConfig) error {
	var done []*runningListener // the old ones replaced so far
	for _, sc := range changed {
		old := c.listeners[sc.Listen]
		_ = old.l.Close()
		l, err := c.startSyslog(sc, newForwardHandler(false))
		if err != nil {
			for _, o := range append(done, old) {
				c.restoreListener(o)
			}
			return fmt.Errorf("syslog listener %s: %w", sc.Listen, err)
		}
		c.listeners[sc.Listen] = &runningListener{cfg: sc, l: l}
		done = append(done, old)
	}
	return nil
}

// restoreListener binds old's address again with old's settings.
func (c *Pipeline) restoreListener(old *runningListener) {
	addr := old.cfg.Listen
	if cur := c.listeners[addr]; cur != old {
		_ = cur.l.Close()
	}
	back, err := c.startSyslog(old.cfg, newForwardHandler(false))
	if err != nil {
		delete(c.listeners, addr)
		c.logger.Error("Syslog listener lost: cannot bind it again with its old settings", "listen", addr, "err", err)
		return
	}
	c.listeners[addr] = &runningListener{cfg: old.cfg, l: back}
}

// closeListeners closes the running listeners not in want.
func (c *Pipeline) closeListeners(want map[string]bool) {
	for addr, r := range c.listeners {
		if !want[addr] {
			if err := r.l.Close(); err != nil {
				c.logger.Warn("Closing syslog listener", "listen", addr, "err", err)
			}
			delete(c.listeners, addr)
		}
	}
}
