package syslog

import "fmt"

// Handler receives what a Listener decodes. Calls are serialised (never two
// at a time, possibly from different goroutines) and must return promptly:
// while one runs, no other message is handled and Listener.Close waits.
type Handler interface {
	// Message receives one decoded message. m and its slices are valid
	// only during the call.
	Message(m *Message)
	// Event reports something other than a message, to be counted.
	Event(ev Event)
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// Malformed: a message could not be decoded (Err says why, wrapping
	// ErrMalformed) and was skipped.
	Malformed EventKind = iota + 1
	// Truncated: the message just handled (delivered, or reported
	// Malformed) was longer than Config.MaxMessageBytes and was cut; its
	// excess was discarded.
	Truncated
	// ReadError: reading the socket failed (Err); reading is retried, with
	// a growing pause while the error persists. For TCP this is an accept
	// error or a connection's read error other than end of stream, close or
	// idle timeout; that connection is closed.
	ReadError
	// Connected and Disconnected: a TCP connection was accepted or ended.
	Connected
	Disconnected
	// Evicted: a TCP connection (Remote) was closed because
	// Config.MaxConnections were open when another one came: of the open
	// connections, it was the one that had received nothing for longest.
	Evicted
	// Dropped: the kernel discarded Count datagrams for the socket (its
	// receive buffer was full: see Config.ReadBuffer). Reported with the
	// next datagram read after the drops, when Listener.CountsDrops.
	Dropped
)

var kindNames = [...]string{
	Malformed:    "malformed",
	Truncated:    "truncated",
	ReadError:    "read_error",
	Connected:    "connected",
	Disconnected: "disconnected",
	Evicted:      "evicted",
	Dropped:      "dropped",
}

// String returns a lower-case name suitable as a metric label value.
func (k EventKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one occurrence reported to Handler.Event.
type Event struct {
	Kind EventKind
	// Remote is the sender's address when known (UDP, TCP), else "".
	Remote string
	Err    error // Malformed, ReadError
	Count  int   // Dropped
}

// String formats the event for logs and test failures.
func (e Event) String() string {
	s := e.Kind.String()
	if e.Remote != "" {
		s += " from " + e.Remote
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Count != 0 {
		s += fmt.Sprintf(" (%d)", e.Count)
	}
	return s
}
