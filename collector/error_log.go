package collector

import (
	"github.com/badgateway/badgateway_exporter/logparse"
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
	sourceStats
	parser  eventParser
	counter *eventCounter
	emit    logparse.EmitFunc
}

func newEventLogFile(path string, parser eventParser, m *Metrics, gov *Governor) *eventLogFile {
	f := &eventLogFile{sourceStats: newSourceStats(path, m, gov), parser: parser, counter: newEventCounter(m, gov)}
	f.emit = f.counter.count
	return f
}

func newErrorLogFile(path string, m *Metrics, gov *Governor) *eventLogFile {
	return newEventLogFile(path, &logparse.NginxErrorParser{}, m, gov)
}

// Line classifies and counts one line.
func (f *eventLogFile) Line(line []byte) { f.counted(f.parser.Parse(line, f.emit)) }

// CaughtUp is called when everything written so far has been read: a record
// still open then will not get more lines.
func (f *eventLogFile) CaughtUp() {
	f.parser.Flush(f.emit)
	f.caughtUp()
}

// haproxyParser adapts logparse.HAProxyParser: its records never span lines.
type haproxyParser struct{ logparse.HAProxyParser }

func (*haproxyParser) Flush(logparse.EmitFunc) {}

func newHAProxyLogFile(path string, m *Metrics, gov *Governor) *eventLogFile {
	return newEventLogFile(path, &haproxyParser{}, m, gov)
}
