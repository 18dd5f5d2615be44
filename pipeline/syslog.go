package pipeline

import (
	"bytes"
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/apacheerror"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
	"github.com/badgateway/badgateway_exporter/syslog"
)

// syslogSource counts the messages of one syslog listener, routing each by
// its program name (tag) to the nginx error-log, HAProxy or Apache
// error-log parser. Package
// syslog serialises the calls, so no locking is needed here.
type syslogSource struct {
	stats      collector.SourceStats
	routes     map[string]string
	parsers    map[string]eventParser        // by format
	newParsers map[string]func() eventParser // by format: to replace one that panicked
	counter    *collector.EventCounter
	emit       logparse.EmitFunc
	errors     *prometheus.CounterVec
	dropped    *prometheus.CounterVec
	logger     *slog.Logger
	guard      lineGuard
	unknown    map[string]bool // tags without a route, logged once each
}

func newSyslogSource(path string, sc config.SyslogConfig, m *collector.Metrics, gov *collector.Governor, logger *slog.Logger) *syslogSource {
	s := &syslogSource{
		stats:  collector.NewSourceStats(path, m, gov),
		routes: sc.RouteNames(),
		newParsers: map[string]func() eventParser{
			string(config.FormatNginxError):  func() eventParser { return &nginxerror.Parser{} },
			string(config.FormatHAProxy):     func() eventParser { return &haproxyParser{} },
			string(config.FormatApacheError): func() eventParser { return &apacheerror.Parser{} },
		},
		parsers: map[string]eventParser{},
		counter: collector.NewEventCounter(m, gov),
		errors:  m.SyslogErrors,
		dropped: m.SyslogDropped,
		logger:  logger,
		guard:   newLineGuard(collector.PanicSourceSyslog, path, m, logger),
		unknown: map[string]bool{},
	}
	for format, newParser := range s.newParsers {
		s.parsers[format] = newParser()
	}
	s.emit = s.counter.Count
	for _, kind := range []syslog.EventKind{syslog.Malformed, syslog.Truncated, syslog.Evicted} {
		m.SyslogErrors.WithLabelValues(s.stats.Path(), kind.String())
	}
	return s
}

// Message classifies one syslog message. An nginx message can hold several
// lines (FastCGI stderr): each is a line of the record, flushed at its end.
func (s *syslogSource) Message(msg *syslog.Message) {
	format := syslog.RouteTag(msg.Tag, s.routes, "")
	if s.parsers[format] == nil {
		s.stats.Counted(logparse.ResultUnrecognized)
		if tag := string(msg.Tag); !s.unknown[tag] && len(s.unknown) < 100 {
			s.unknown[tag] = true
			s.logger.Warn("Syslog message from a program without a route; counted as unrecognized", "tag", tag)
		}
		return
	}
	content := bytes.TrimRight(msg.Content, "\n")
	for len(content) > 0 {
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		s.line(format, line)
	}
	s.flush(format)
	s.stats.Stamp()
}

// line classifies one line of a message.
func (s *syslogSource) line(format string, line []byte) {
	defer s.recoverLine(format, line)
	s.stats.Counted(s.parsers[format].Parse(line, s.emit))
}

// flush ends the record of a message.
func (s *syslogSource) flush(format string) {
	defer s.recoverLine(format, nil)
	s.parsers[format].Flush(s.emit)
}

// recoverLine is deferred around the handling of one line of a message
// (nil: the flush at its end); see recover.go.
func (s *syslogSource) recoverLine(format string, line []byte) {
	if r := recover(); r != nil {
		s.guard.recovered(r, line)
		if line != nil {
			s.stats.Counted(logparse.ResultUnrecognized)
		}
		s.parsers[format] = s.newParsers[format]()
	}
}

// Event counts what the listener could not deliver.
func (s *syslogSource) Event(ev syslog.Event) {
	path := s.stats.Path()
	switch ev.Kind {
	case syslog.Malformed:
		s.stats.Counted(logparse.ResultUnrecognized)
		s.errors.WithLabelValues(path, ev.Kind.String()).Inc()
		s.logger.Debug("Malformed syslog message skipped", "remote", ev.Remote, "err", ev.Err)
	case syslog.Truncated, syslog.Evicted:
		s.errors.WithLabelValues(path, ev.Kind.String()).Inc()
	case syslog.Dropped:
		s.dropped.WithLabelValues(path).Add(float64(ev.Count))
	case syslog.ReadError:
		s.stats.ReadError()
	}
}

// startSyslog starts one listener. Its source is created once the listener
// knows its address (the `path` label); messages wait for it.
func (c *Pipeline) startSyslog(sc config.SyslogConfig, fwd *forwardHandler) (*syslog.Listener, error) {
	fwd.mu.Lock()
	defer fwd.mu.Unlock()
	cfg := listenerConfig(sc)
	cfg.Logger = c.logger
	l, err := syslog.Listen(cfg, fwd)
	if err != nil {
		return nil, err
	}
	fwd.target = newSyslogSource(l.Path(), sc, c.m, c.gov, c.logger.With("listen", l.Path()))
	if l.CountsDrops() {
		c.m.SyslogDropped.WithLabelValues(l.Path())
	}
	c.logger.Info("Listening for syslog", "listen", sc.Listen, "path", l.Path(), "routes", sc.RouteNames())
	return l, nil
}

// forwardHandler hands the listener's calls to a source created after
// Listen. A listener prepared by a reload that may still fail is held: its
// messages wait (in the kernel's socket buffer once one is waiting here)
// until the reload commits (release) or fails (discard: nothing is counted
// for a listener that never ran).
type forwardHandler struct {
	mu      sync.Mutex
	changed *sync.Cond
	state   forwardState
	waiting int // calls waiting while held
	target  syslog.Handler
}

type forwardState uint8

const (
	forwarding forwardState = iota
	holding
	discarding
)

func newForwardHandler(held bool) *forwardHandler {
	f := &forwardHandler{}
	f.changed = sync.NewCond(&f.mu)
	if held {
		f.state = holding
	}
	return f
}

// set releases (forwarding) or discards a held handler.
func (f *forwardHandler) set(s forwardState) {
	f.mu.Lock()
	f.state = s
	f.mu.Unlock()
	f.changed.Broadcast()
}

// ready waits while held and reports whether to forward; f.mu is held.
func (f *forwardHandler) ready() bool {
	for f.state == holding {
		f.waiting++
		f.changed.Wait()
		f.waiting--
	}
	return f.state == forwarding
}

func (f *forwardHandler) Message(m *syslog.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ready() {
		f.target.Message(m)
	}
}

func (f *forwardHandler) Event(ev syslog.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ready() {
		f.target.Event(ev)
	}
}
