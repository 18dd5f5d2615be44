package pipeline

import (
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/archivelog"
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse/apacheerror"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
	"github.com/badgateway/badgateway_exporter/positions"
	"github.com/badgateway/badgateway_exporter/s3source"
	"github.com/badgateway/badgateway_exporter/syslog"
	"github.com/badgateway/badgateway_exporter/tailer"
)

// Pipeline runs one tail group per configured log and one source per syslog
// listener, counting into the collector's metrics. Apply changes the set of
// logs without resetting any counter.
type Pipeline struct {
	m      *collector.Metrics
	gov    *collector.Governor
	logger *slog.Logger

	claims    fileClaims // files already counted, by which log
	mu        sync.Mutex
	sources   map[string]*runningLog      // by configured path
	listeners map[string]*runningListener // by listen address
	store     *positions.Store            // nil: positions are not kept
	sync      *positionSync

	containerCut prometheus.Counter // container-log messages cut at the limit (container_log.go)
	s3m          *s3source.Metrics
	s3logs       map[string]*runningS3 // logs read from S3, by source (s3://BUCKET/PREFIX)
	s3HTTPClient aws.HTTPClient        // nil: the SDK's; tests set a loopback-only one
}

// runningLog is a followed log and the settings in force.
type runningLog struct {
	cfg      config.LogConfig
	format   string             // the compiled access-log format (log_format_from can change under an unchanged cfg)
	g        *tailer.Group      // a followed log; nil for an archive log
	archive  *archivelog.Reader // an archive log (files read once each: AWS access logs)
	counters *counterSwitch     // what counts its lines; replaced when the settings change
}

// counterSwitch holds the line-counter factory of a log. A reload that
// changes a log's settings stores a new one; each file's handler, on its
// tail's goroutine, switches to it at its next line, so the log continues
// from where it was with the new settings.
type counterSwitch struct {
	cur atomic.Pointer[counterFactory]
}

// counterFactory makes the line counter of one file of a log.
type counterFactory struct {
	newCounter func(path string, logger *slog.Logger) lineCounter
}

func newCounterSwitch(f func(string, *slog.Logger) lineCounter) *counterSwitch {
	sw := &counterSwitch{}
	sw.cur.Store(&counterFactory{newCounter: f})
	return sw
}

// runningListener is a syslog listener and the settings it was started with.
type runningListener struct {
	cfg config.SyslogConfig
	l   *syslog.Listener
}

// New registers the metrics with reg and returns a pipeline following no log yet.
func New(reg prometheus.Registerer, logger *slog.Logger) *Pipeline {
	m := collector.NewMetrics(reg)
	c := &Pipeline{
		m:         m,
		gov:       collector.NewGovernor(config.DefaultMaxValuesPerLabel, m.LabelValuesFolded),
		logger:    logger,
		sources:   map[string]*runningLog{},
		listeners: map[string]*runningListener{},
		s3m:       s3source.NewMetrics(reg),
		s3logs:    map[string]*runningS3{},
	}
	c.containerCut = newContainerCutCounter(reg)
	c.gov.StartExpiry(m)
	return c
}

// KeepPositions makes the pipeline continue each log where store says an
// earlier run left it, and save the positions of every log to store every
// period and at Close. Call it before the first Apply; the pipeline closes
// store.
func (c *Pipeline) KeepPositions(store *positions.Store, period time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.store = store
	c.sync = startPositionSync(c, period)
}

// ReloadFailed records a configuration that could not be loaded.
func (c *Pipeline) ReloadFailed() { c.m.ReloadSuccess.Set(0) }

// follow starts the tail group of a log whose line counters are ready. It
// continues where the positions store says an earlier run left the log.
func (c *Pipeline) follow(lc config.LogConfig, counters *counterSwitch) (*tailer.Group, error) {
	if matches, _ := filepath.Glob(lc.Path); len(matches) == 0 {
		c.logger.Warn("No file matches the log path yet; waiting for it", "path", lc.Path)
	}
	opts := tailer.GroupOptions{
		Options: tailer.Options{FromBeginning: lc.FromBeginning, Logger: c.logger},
		Globs:   []string{lc.Path},
	}
	if c.store != nil {
		opts.Positions, opts.Resume = c.store.Lookup(lc.Path)
	}
	g, err := tailer.FollowGroup(opts, func(path string) tailer.Handler { return c.handlerFor(path, lc.Path, counters) })
	if err != nil {
		return nil, err
	}
	c.logger.Info("Following log", "path", lc.Path, "format", lc.Format, "from_beginning", lc.FromBeginning, "resumed", opts.Resume)
	return g, nil
}

// stopLog stops a log's tails and frees its files for other entries.
func (c *Pipeline) stopLog(path string, r *runningLog) error {
	var err error
	if r.archive != nil {
		err = r.archive.Stop()
	} else {
		err = r.g.Stop()
	}
	c.claims.release(path)
	return err
}

// lineCounterFactory returns what counts the lines of each file of a log,
// and for an access log the format it compiled (escaping and string).
func (c *Pipeline) lineCounterFactory(lc config.LogConfig) (newCounter func(path string, logger *slog.Logger) lineCounter, format string, err error) {
	switch lc.Format {
	case config.FormatContainer:
		return c.containerCounterFactory(lc)
	case config.FormatNginxAccess:
		parser, err := accessParser(lc)
		if err != nil {
			return nil, "", err
		}
		return func(path string, logger *slog.Logger) lineCounter {
			return newAccessLogFile(path, parser, lc.Server, c.m, c.gov, logger)
		}, parser.Escape().String() + " " + parser.Format(), nil
	case config.FormatApacheAccess:
		parser, err := accessParser(lc)
		if err != nil {
			return nil, "", err
		}
		return func(path string, logger *slog.Logger) lineCounter {
			return newProxyAccessLogFile(path, "apache", collector.PanicSourceApacheAccess, parser, lc.Server, c.m, c.gov, logger)
		}, "apache " + parser.Format(), nil
	case config.FormatHAProxy:
		return func(path string, logger *slog.Logger) lineCounter {
			return newEventLogFile(path, collector.PanicSourceHAProxy, func() eventParser { return &haproxyParser{} }, c.m, c.gov, logger)
		}, "", nil
	case config.FormatAWSALB, config.FormatAWSELB:
		return func(path string, logger *slog.Logger) lineCounter {
			return newAWSLogFile(path, lc.Source(), lc.Format, c.m, c.gov, logger)
		}, "", nil
	case config.FormatApacheError:
		return func(path string, logger *slog.Logger) lineCounter {
			return newEventLogFile(path, collector.PanicSourceApacheError, func() eventParser { return &apacheerror.Parser{} }, c.m, c.gov, logger)
		}, "", nil
	default:
		return func(path string, logger *slog.Logger) lineCounter {
			return newEventLogFile(path, collector.PanicSourceNginxError, func() eventParser { return &nginxerror.Parser{} }, c.m, c.gov, logger)
		}, "", nil
	}
}

// Close stops every follower and listener, and saves the positions where
// the logs stopped.
func (c *Pipeline) Close() {
	if c.sync != nil {
		c.sync.stop()
	}
	c.gov.StopExpiry()
	c.mu.Lock()
	defer c.mu.Unlock()
	final, archives := positions.Logs{}, positions.Archives{}
	for path, r := range c.sources {
		c.stopLog(path, r)
		r.savePositionsTo(path, final, archives)
		delete(c.sources, path)
	}
	for addr, r := range c.listeners {
		_ = r.l.Close()
		delete(c.listeners, addr)
	}
	c.closeS3() // each saved its position after its last object
	if c.store != nil {
		c.savePositions(final, archives)
		if err := c.store.Close(); err != nil {
			c.logger.Warn("Closing the positions file", "err", err)
		}
		c.store = nil
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
