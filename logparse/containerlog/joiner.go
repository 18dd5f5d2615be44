package containerlog

import (
	"errors"
	"fmt"
)

// Wrapper names the way a container runtime wraps each line.
type Wrapper uint8

// Wrappers.
const (
	CRI        Wrapper = iota // the kubelet's CRI log format
	DockerJSON                // Docker's json-file driver
)

// String returns the wrapper's configuration name: cri, docker_json.
func (w Wrapper) String() string {
	if w == DockerJSON {
		return "docker_json"
	}
	return "cri"
}

// ParseWrapper maps a configuration name (cri, docker_json) to its Wrapper.
func ParseWrapper(s string) (Wrapper, error) {
	switch s {
	case "cri":
		return CRI, nil
	case "docker_json":
		return DockerJSON, nil
	}
	return 0, fmt.Errorf("unknown wrapper %q (known: cri, docker_json)", s)
}

// Stream is the output a container wrote a line to.
type Stream uint8

// Streams.
const (
	Stdout Stream = iota
	Stderr
)

// String returns "stdout" or "stderr".
func (s Stream) String() string {
	if s == Stderr {
		return "stderr"
	}
	return "stdout"
}

// DefaultMaxMessageBytes bounds a joined message: well above what nginx
// writes on one line (an error-log line is at most 2 KiB, an access-log
// line a few KiB), well below what a file's tail may hold.
const DefaultMaxMessageBytes = 64 << 10

// Why a physical line is not a valid wrapped line. Fixed values: returning
// one allocates nothing.
var (
	ErrNoTimestamp  = errors.New("no timestamp")
	ErrBadTimestamp = errors.New("timestamp is not RFC 3339")
	ErrBadStream    = errors.New("stream is neither stdout nor stderr")
	ErrNoTag        = errors.New("no P/F tag")
	ErrBadTag       = errors.New("tag is neither P nor F")
	ErrBadJSON      = errors.New("not a json-file object")
	ErrBadEscape    = errors.New("invalid escape in a JSON string")
	ErrNoLog        = errors.New("no \"log\" string")
)

// Message is one line as the container wrote it.
type Message struct {
	Stream Stream
	// Text is the line without the wrapper and without its newline. It
	// points into the line given to Line or into the Joiner's buffers, and
	// is valid until the next call of Line.
	Text []byte
	// Parts is the number of physical lines joined into Text (1: the
	// runtime did not split it).
	Parts int
	// Cut: the parts added up to more than the Joiner's limit; Text holds
	// the first MaxBytes of them, the rest was dropped.
	Cut bool
}

// Joiner reads the physical lines of one container log file, in order, and
// returns whole messages. It keeps one partial message per stream (a
// runtime may interleave the parts of a long stdout line with stderr
// lines), each at most its limit long. Not safe for concurrent use.
type Joiner struct {
	wrapper Wrapper
	max     int
	pending [2]partial // by Stream
	decoded []byte     // the unescaped "log" of the current json-file line
}

// partial is the message a stream is in the middle of.
type partial struct {
	buf   []byte
	parts int
	cut   bool
}

// NewJoiner returns a joiner for lines wrapped by w whose joined messages
// are at most maxBytes long (DefaultMaxMessageBytes when maxBytes < 1).
func NewJoiner(w Wrapper, maxBytes int) *Joiner {
	if maxBytes < 1 {
		maxBytes = DefaultMaxMessageBytes
	}
	return &Joiner{wrapper: w, max: maxBytes}
}

// Line reads one physical line (without its '\n'). It returns the message
// the line completes and true; false when the line is a part to be
// continued (nothing to parse yet) or, with an error, not a wrapped line
// at all (what it says is dropped; a message being joined is kept).
func (j *Joiner) Line(line []byte) (Message, bool, error) {
	var (
		stream Stream
		text   []byte
		more   bool
		err    error
	)
	if j.wrapper == DockerJSON {
		stream, text, more, err = j.dockerJSON(line)
	} else {
		stream, text, more, err = parseCRI(line)
	}
	if err != nil {
		return Message{}, false, err
	}
	p := &j.pending[stream]
	if more {
		p.add(text, j.max)
		return Message{}, false, nil
	}
	if p.parts == 0 { // the common case: a line the runtime did not split
		if len(text) > j.max {
			return Message{Stream: stream, Text: text[:j.max:j.max], Parts: 1, Cut: true}, true, nil
		}
		return Message{Stream: stream, Text: text, Parts: 1}, true, nil
	}
	p.add(text, j.max)
	msg := Message{Stream: stream, Text: p.buf, Parts: p.parts, Cut: p.cut}
	p.buf, p.parts, p.cut = keepSmall(p.buf[:0]), 0, false
	return msg, true, nil
}

// Pending reports how many bytes of unfinished messages the joiner holds.
func (j *Joiner) Pending() int { return len(j.pending[Stdout].buf) + len(j.pending[Stderr].buf) }

// Holding reports whether a message is being joined and not cut yet: its
// parts were read but not returned, and should be read again if the joiner
// is lost (a restart). Once cut at the limit, the rest of it is dropped
// anyway, so that a message never ended does not hold its parts forever;
// nor does one of more than maxHeldParts parts (empty parts never reach
// the limit).
func (j *Joiner) Holding() bool {
	return j.pending[Stdout].holding() || j.pending[Stderr].holding()
}

// maxHeldParts bounds the parts a message holds: runtimes split lines
// at 16 KiB, so a message within the limit has a handful of them.
const maxHeldParts = 256

func (p *partial) holding() bool { return p.parts > 0 && !p.cut && p.parts <= maxHeldParts }

// add appends a part, up to max bytes in all.
func (p *partial) add(text []byte, max int) {
	p.parts++
	if room := max - len(p.buf); len(text) > room {
		text = text[:room]
		p.cut = true
	}
	p.buf = append(p.buf, text...)
}
