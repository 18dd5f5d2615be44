package haproxy

import (
	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Field helpers of the HAProxy parser. All of them return sub-slices of their
// input: nothing is copied.

// hapVerdict is what one HAProxy line says, before it becomes an Event.
type hapVerdict struct {
	result          logparse.Result // ResultUnrecognized until a parser recognises the line
	event           bool            // the line yields an event
	kind            logparse.EventKind
	health          logparse.HealthState
	cause           cause.Cause
	status          int
	responseSeconds float64
	noLive          bool
	level           []byte
	frontend        []byte
	upstream        []byte // `be/srv` or `be`, when the line writes it in one piece
	backend, server []byte // when the line writes them apart (JSON, CLF)
	client, request []byte
	checkLine       bool // `Health check for server be/srv …`
	checkFailed     bool // … failed: remember its cause
	reasonless      bool // `Server be/srv is DOWN.`: may take a remembered cause
	termState       bool // a termination state was seen
	ts0, ts1        byte
}

// setUpstream takes a `be/srv` token: the backend alone for `<NOSRV>`.
func (v *hapVerdict) setUpstream(tok []byte) {
	slash := hapIndexByte(tok, 0, '/')
	if slash < 0 {
		v.upstream = tok
		return
	}
	if string(tok[slash+1:]) == "<NOSRV>" {
		v.upstream, v.server = tok[:slash], tok[slash+1:]
		return
	}
	v.upstream = tok
}

// setTermState records the termination state token.
func (v *hapVerdict) setTermState(ts []byte) {
	if isTermState(ts) {
		v.termState, v.ts0, v.ts1 = true, ts[0], ts[1]
	}
}

// noServer reports whether the line names no server.
func (v *hapVerdict) noServer() bool {
	return string(v.server) == "<NOSRV>"
}

// finishRequest sets the cause and result of a request verdict.
func (v *hapVerdict) finishRequest() {
	v.cause = cause.None
	if v.termState {
		v.cause = termStateCause(v.ts0, v.ts1, v.noServer())
	}
	v.result = logparse.ResultIgnored
	if v.cause != cause.None {
		v.result = logparse.ResultClassified
	}
}

func trimSSLMarker(fe []byte) []byte {
	if n := len(fe); n > 0 && fe[n-1] == '~' {
		return fe[:n-1]
	}
	return fe
}

// clientAddress strips `:port` from `%ci:%cp` (`::1:5555` gives `::1`).
func clientAddress(tok []byte) []byte {
	for i := len(tok) - 1; i > 0; i-- {
		if tok[i] == ':' {
			return tok[:i]
		}
		if !logparse.IsDigit(tok[i]) && tok[i] != '-' {
			break
		}
	}
	return tok
}

// firstQuoted returns the first `"…"` of b without quotes; an unclosed quote
// runs to the end.
func firstQuoted(b []byte) []byte {
	q := hapIndexByte(b, 0, '"')
	if q < 0 {
		return nil
	}
	end := hapIndexByte(b, q+1, '"')
	if end < 0 {
		return b[q+1:]
	}
	return b[q+1 : end]
}

// unquote returns the inside of `"x"`, or nil when tok is not quoted.
func unquote(tok []byte) []byte {
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
		return nil
	}
	return tok[1 : len(tok)-1]
}

// parseSigned parses `[+]-N` or `[+]N` (logasap prefixes timers with '+').
func parseSigned(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] == '+' {
		b = b[1:]
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	n, ok := logparse.ParseUint(b)
	if neg {
		return -int64(n), ok
	}
	return int64(n), ok
}

func isSignedInt(b []byte) bool {
	_, ok := parseSigned(b)
	return ok
}

// statusValue reads a `%ST`: -1 stays -1, 100–999 is a status, anything else
// is unknown (0).
func statusValue(b []byte) int {
	n, ok := parseSigned(b)
	switch {
	case !ok:
		return 0
	case n == -1:
		return -1
	case n >= 100 && n <= 999:
		return int(n)
	}
	return 0
}

// timerFields returns how many `/`-separated signed integers tok holds (0 when
// it is not such a token).
func timerFields(tok []byte) int {
	fields, _ := parseTimers(tok)
	return fields
}

// parseTimers reads a `/`-separated list of signed integers (`%TR/%Tw/%Tc/
// %Tr/%Ta`, `%Tw/%Tc/%Tt`): the number of fields (0 when tok is not such a
// list) and the fourth one (Tr of a 5-timer token; -1 otherwise).
func parseTimers(tok []byte) (fields int, tr int64) {
	tr = -1
	start := 0
	for i := 0; i <= len(tok); i++ {
		if i < len(tok) && tok[i] != '/' {
			continue
		}
		n, ok := parseSigned(tok[start:i])
		if !ok {
			return 0, -1
		}
		if fields == 3 {
			tr = n
		}
		fields++
		start = i + 1
	}
	if fields != 5 {
		tr = -1
	}
	return fields, tr
}
