package pipeline

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/collector"
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/containerlog"
)

// panicSourceContainer is the `source` of badgateway_exporter_panics_total
// for a panic while a container log's line is unwrapped (a panic in a
// stream's parser counts under that parser's source).
const panicSourceContainer = "container"

// wrapperWarnEvery rate-limits the warnings about a container log's lines
// that are not wrapped as configured, or were cut: one per file per
// interval, with the count of the others.
const wrapperWarnEvery = 10 * time.Second

// newContainerCutCounter registers badgateway_container_messages_cut_total.
// No path label: its series would outlive the containers, which the label
// governor's expiry of path values cannot delete.
func newContainerCutCounter(reg prometheus.Registerer) prometheus.Counter {
	cut := prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: "badgateway", Name: "container_messages_cut_total",
		Help: "Container-log lines the runtime split into parts (CRI P lines, json-file logs without a newline) that, joined, exceeded 64 KiB: cut there, the rest dropped.",
	})
	reg.MustRegister(cut)
	return cut
}

// containerCounterFactory makes the counters of a `format: container`
// log: each file unwraps its lines and counts each stream with the counter
// of the stream's format. format describes the streams' compiled formats,
// so that a changed log_format_from is noticed.
func (c *Pipeline) containerCounterFactory(lc config.LogConfig) (func(string, *slog.Logger) lineCounter, string, error) {
	wrapper, err := containerlog.ParseWrapper(string(lc.Wrapper))
	if err != nil { // config refused it already
		return nil, "", lc.FieldError("wrapper", err)
	}
	var streams [2]func(string, *slog.Logger) lineCounter
	format := wrapper.String()
	stdout, stderr := lc.Streams()
	for i, s := range []config.LogConfig{stdout, stderr} {
		if s.Format == "" {
			continue
		}
		f, compiled, err := c.lineCounterFactory(s)
		if err != nil {
			return nil, "", err
		}
		streams[i] = f
		format += fmt.Sprintf(" %v: %s %s", containerlog.Stream(i), s.Format, compiled)
	}
	return func(path string, logger *slog.Logger) lineCounter {
		if o, ok := containerlog.KubeletOrigin(path); ok {
			logger = logger.With("namespace", o.Namespace, "pod", o.Pod, "container", o.Container)
		}
		f := &containerLogFile{
			SourceStats: collector.NewSourceStats(path, c.m, c.gov), joiner: containerlog.NewJoiner(wrapper, 0),
			wrapper: wrapper, logger: logger, now: time.Now, guard: newLineGuard(panicSourceContainer, path, c.m, logger),
			cut: c.containerCut,
		}
		for i, newCounter := range streams {
			if newCounter != nil {
				f.streams[i] = newCounter(path, logger)
			}
		}
		return f
	}, format, nil
}

// containerLogFile counts one container log file: it unwraps each line,
// joins the parts of split lines, and hands each message to the counter of
// its stream. A message is one line of log_lines_total, counted by its
// stream's counter (ignored when the stream is not parsed); a physical
// line that is not wrapped as configured is counted unrecognized, the parts
// of a split line are not counted. Used by the file's tail goroutine only.
type containerLogFile struct {
	collector.SourceStats
	joiner  *containerlog.Joiner
	wrapper containerlog.Wrapper
	streams [2]lineCounter // by containerlog.Stream; nil: not parsed
	logger  *slog.Logger
	guard   lineGuard
	cut     prometheus.Counter // messages cut at the limit
	now     func() time.Time

	lastWarn   time.Time
	suppressed int
}

// Line unwraps one physical line and counts the message it completes.
func (f *containerLogFile) Line(line []byte) {
	defer f.recoverLine(line)
	msg, ok, err := f.joiner.Line(line)
	switch {
	case err != nil:
		f.Counted(logparse.ResultUnrecognized)
		f.warn("Container-log line is not wrapped as configured; counted as unrecognized", "wrapper", f.wrapper, "err", err)
		return
	case !ok:
		return // a part: counted with the message it ends in
	case msg.Cut:
		f.cut.Inc()
		f.warn("Container-log line longer than the limit was cut", "limit_bytes", containerlog.DefaultMaxMessageBytes, "parts", msg.Parts, "stream", msg.Stream)
	}
	if s := f.streams[msg.Stream]; s != nil {
		s.Line(msg.Text)
		return
	}
	f.Counted(logparse.ResultIgnored)
}

// Holding reports whether the parts of a split line were read but not
// counted yet: the tailer keeps the file's position before them (see
// tailer.Holder).
func (f *containerLogFile) Holding() bool { return f.joiner.Holding() }

// recoverLine is deferred around the unwrapping of one line; see recover.go.
func (f *containerLogFile) recoverLine(line []byte) {
	if r := recover(); r != nil {
		f.guard.recovered(r, line)
		f.Counted(logparse.ResultUnrecognized)
		f.joiner = containerlog.NewJoiner(f.wrapper, 0)
	}
}

// CaughtUp ends the open records of the streams' parsers and stamps the
// last-line time.
func (f *containerLogFile) CaughtUp() {
	for _, s := range f.streams {
		if s != nil {
			s.CaughtUp()
		}
	}
	f.SourceStats.CaughtUp()
}

// warn logs at most once per wrapperWarnEvery, with the count of the
// warnings suppressed since.
func (f *containerLogFile) warn(msg string, attrs ...any) {
	now := f.now()
	if !f.lastWarn.IsZero() && now.Sub(f.lastWarn) < wrapperWarnEvery {
		f.suppressed++
		return
	}
	f.logger.Warn(msg, append(attrs, "path", f.Path(), "similar_warnings_not_logged", f.suppressed)...)
	f.lastWarn, f.suppressed = now, 0
}
