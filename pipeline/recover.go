package pipeline

import (
	"fmt"
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// No single log line, syslog datagram or connection may take the exporter
// down: a panic while one line is handled is a bug in a parser or in the
// counting, and losing that line is better than losing every metric and
// every other source. So the recover sits at the boundary where one unit of
// input is handled, and nowhere else:
//
//   - per line, in the Line method of each file source (eventLogFile,
//     accessLogFile) and in syslogSource for each line of a message;
//   - around the Flush of a multi-line record (CaughtUp, end of a message).
//
// A recovered line is counted as unrecognized (so log_lines_total still
// adds up to the lines read) and in badgateway_exporter_panics_total{source},
// and logged with the panic, the stack and the line cut to panicLineBytes,
// at most once per source per panicLogEvery. The parser that panicked is
// replaced by a fresh one: its state may be half-updated. Increments made
// before the panic stay. Deeper recovers would hide the bug without a
// count; a recover further out (the tail or listener loop) would lose the
// rest of a batch or a connection.
//
// The deferred call is a method value with arguments (open-coded by the
// compiler): no allocation per line.

// panicLogEvery rate-limits the log of recovered panics, per source.
const panicLogEvery = 10 * time.Second

// panicLineBytes is how much of the offending line the log shows.
const panicLineBytes = 256

// lineGuard records the panics recovered while a source handles its input.
// Used by the source's goroutine only.
type lineGuard struct {
	path       string
	panics     prometheus.Counter
	logger     *slog.Logger
	now        func() time.Time
	lastLog    time.Time
	suppressed int
}

func newLineGuard(source, path string, m *collector.Metrics, logger *slog.Logger) lineGuard {
	if logger == nil {
		logger = slog.Default()
	}
	return lineGuard{path: path, panics: m.Panics.WithLabelValues(source), logger: logger, now: time.Now}
}

// recovered counts and logs the panic value r of handling line (nil for a
// flush). The caller has called recover and counts the line.
func (g *lineGuard) recovered(r any, line []byte) {
	g.panics.Inc()
	now := g.now()
	if !g.lastLog.IsZero() && now.Sub(g.lastLog) < panicLogEvery {
		g.suppressed++
		return
	}
	shown, cut := line, 0
	if len(shown) > panicLineBytes {
		shown, cut = shown[:panicLineBytes], len(line)-panicLineBytes
	}
	msg := "Recovered from a panic while handling a log line; counted as unrecognized (a bug: please report it)"
	if line == nil {
		msg = "Recovered from a panic while counting the end of a multi-line record (a bug: please report it)"
	}
	g.log(msg, "path", g.path, "panic", fmt.Sprint(r), "line", string(shown), "line_bytes_not_shown", cut,
		"similar_panics_not_logged", g.suppressed, "stack", string(debug.Stack()))
	g.lastLog, g.suppressed = now, 0
}

// log must not panic in turn: a panic in a deferred recover would end the process.
func (g *lineGuard) log(msg string, attrs ...any) {
	defer func() { _ = recover() }()
	g.logger.Error(msg, attrs...)
}
