package pipeline

import (
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"

	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/haproxy"
)

// eventParser is a classifier that emits logparse events: the nginx
// error-log parser and the HAProxy parser.
type eventParser interface {
	Parse(line []byte, emit logparse.EmitFunc) logparse.Result
	Flush(emit logparse.EmitFunc)
}

// eventLogFile counts the lines of one source whose parser emits events.
// It is used by one goroutine (the file's tail) only.
type eventLogFile struct {
	collector.SourceStats
	newParser func() eventParser
	parser    eventParser
	counter   *collector.EventCounter
	emit      logparse.EmitFunc
	guard     lineGuard
}

// newEventLogFile creates the counter of one file; source names its format
// in badgateway_exporter_panics_total, and logger nil means slog.Default().
func newEventLogFile(path, source string, newParser func() eventParser, m *collector.Metrics, gov *collector.Governor, logger *slog.Logger) *eventLogFile {
	f := &eventLogFile{
		SourceStats: collector.NewSourceStats(path, m, gov), newParser: newParser, parser: newParser(),
		counter: collector.NewEventCounter(m, gov), guard: newLineGuard(source, path, m, logger),
	}
	f.emit = f.counter.Count
	return f
}

// Line classifies and counts one line.
func (f *eventLogFile) Line(line []byte) {
	defer f.recoverLine(line)
	f.Counted(f.parser.Parse(line, f.emit))
}

// CaughtUp is called when everything written so far has been read: a record
// still open then will not get more lines.
func (f *eventLogFile) CaughtUp() {
	f.flush()
	f.SourceStats.CaughtUp()
}

func (f *eventLogFile) flush() {
	defer f.recoverLine(nil)
	f.parser.Flush(f.emit)
}

// recoverLine is deferred around the handling of one line (nil: a flush,
// whose lines were counted already); see recover.go.
func (f *eventLogFile) recoverLine(line []byte) {
	if r := recover(); r != nil {
		f.guard.recovered(r, line)
		if line != nil {
			f.Counted(logparse.ResultUnrecognized)
		}
		f.parser = f.newParser()
	}
}

// haproxyParser adapts haproxy.Parser: its records never span lines.
type haproxyParser struct{ haproxy.Parser }

func (*haproxyParser) Flush(logparse.EmitFunc) {}
