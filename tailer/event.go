package tailer

import "fmt"

// Handler receives what one followed file yields. All calls for a Group
// come from a single goroutine, one at a time, in file order.
type Handler interface {
	// Line receives one complete line without its '\n' (a trailing '\r' is
	// stripped). line aliases the tailer's read buffer: it is valid only
	// during the call and must be copied to be kept.
	Line(line []byte)
	// Event reports a change of the file's state; see EventKind.
	Event(ev Event)
}

// Holder is implemented by a Handler that may keep lines it was given
// without having finished with them: the parts of a message split over
// several lines, counted when its last part comes. Holding is asked after
// each line; while it reports true, the positions of the file (and of the
// files rotated away from its path) stay at the start of the first line
// delivered since it last reported false, so that a restart delivers those
// lines again rather than skip what was only in the handler's memory. A
// handler must stop holding at some point (give up a message that grew too
// long): until it does, a restart re-reads everything held.
type Holder interface {
	Holding() bool
}

// EventKind says what happened to a followed file.
type EventKind uint8

const (
	// Opened: a file was opened at Path (at start, or after it had been
	// missing or unreadable) and is read from Offset.
	Opened EventKind = iota + 1
	// Rotated: Path now names another file (rename rotation, or deletion and
	// re-creation between two polls). The new file is read from its
	// beginning; the old one is still drained for Options.RotateWait.
	Rotated
	// Truncated: the file was truncated in place (copytruncate); reading
	// restarts at offset 0. An incomplete line held from before is dropped.
	Truncated
	// Deleted: Path no longer exists. The file that was open is still
	// drained for Options.RotateWait; a file created later at Path is read
	// from its beginning (Opened).
	Deleted
	// ReadError: Path cannot be stat'ed, opened or read (Err says why). It
	// is reported once per change of error, not per retry; the tailer keeps
	// retrying every poll.
	ReadError
	// Recovered: a poll completed without error after a ReadError.
	Recovered
	// Idle: everything written so far has been delivered. Sent after a poll
	// that delivered lines; the handler may flush multi-line state.
	Idle
	// LineTooLong: the line just delivered was cut at Options.MaxLineBytes;
	// the rest of it, up to its '\n', is skipped.
	LineTooLong
)

var kindNames = [...]string{
	Opened:      "opened",
	Rotated:     "rotated",
	Truncated:   "truncated",
	Deleted:     "deleted",
	ReadError:   "read_error",
	Recovered:   "recovered",
	Idle:        "idle",
	LineTooLong: "line_too_long",
}

// String returns a lower-case name suitable as a metric label value.
func (k EventKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one state change of a followed file.
type Event struct {
	Kind   EventKind
	Path   string
	Offset int64 // Opened, Rotated: where reading starts
	Err    error // ReadError only
}

// String formats the event for logs and test failures.
func (e Event) String() string {
	switch e.Kind {
	case ReadError:
		return fmt.Sprintf("%s %s: %v", e.Kind, e.Path, e.Err)
	case Opened, Rotated:
		return fmt.Sprintf("%s %s @%d", e.Kind, e.Path, e.Offset)
	}
	return fmt.Sprintf("%s %s", e.Kind, e.Path)
}
