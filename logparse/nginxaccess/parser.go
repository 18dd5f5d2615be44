package nginxaccess

import "strings"

// Parser parses the lines of one nginx log_format; Compile
// makes one. It is immutable and safe for concurrent use: the per-line state
// lives in the Record, one per goroutine.
type Parser struct {
	format string
	escape LogFormatEscape
	ops    []formatOp
	names  []string // variable name of each value slot, in format order

	// Slots of the variables the record decodes; -1 when the format lacks one.
	fStatus, fServerName, fHost, fRequest, fRequestTime int
	fAddr, fUStatus, fURT, fUHT, fUCT, fULen            int

	// apache: compiled from an Apache LogFormat (CompileApache); its slots
	// of %s, %D or %{us}T, %{ms}T, %T or %{s}T.
	apache                                   bool
	fOrigStatus, fTimeUS, fTimeMS, fTimeSecs int
}

// Record is one parsed access-log line. Its byte slices point into the
// line given to Parse (escaped as the format's escaping wrote them; see
// AppendUnescaped) and are valid as long as the line is. Reuse one record
// for every line: Parse allocates nothing once its slices have grown.
type Record struct {
	Status      []byte  // $status, the code the client got: "502"
	ServerName  []byte  // $server_name, else $host; empty when the format has neither or the value is "-"
	Request     []byte  // $request: "GET /x HTTP/1.1"
	RequestTime float64 // $request_time in seconds; -1 when the format has none

	// Attempts are the upstream tries, from the parallel lists
	// $upstream_addr, $upstream_status, $upstream_response_time,
	// $upstream_header_time, $upstream_connect_time and
	// $upstream_response_length. Empty when the request went to no
	// upstream. Its backing array is reused.
	Attempts []UpstreamAttempt

	// Generated: the status is a 5xx that nginx made up, as opposed to a 5xx
	// the backend returned: no upstream was tried, or the last try got no
	// response header ($upstream_header_time "-": refused, timed out, reset,
	// invalid header, no live upstreams), or the client got another status
	// than the last try's. nginx logs a failed try with the status it
	// decided on (502, 504), so $upstream_status alone cannot tell.
	Generated bool
	// GeneratedGuessed: the format lacks $upstream_header_time, and neither
	// $upstream_connect_time nor $upstream_response_length settled it, so
	// Generated was guessed from the status codes alone (502 and 504 count
	// as generated).
	GeneratedGuessed bool

	parser *Parser
	line   []byte
	vals   []span
}

// UpstreamAttempt is one try of one upstream peer.
type UpstreamAttempt struct {
	Upstream []byte // $upstream_addr element: "10.0.0.1:80", "unix:/s", or the group name after "no live upstreams"
	Status   []byte // $upstream_status element: "502"; "" when nginx logged "-" (no status)
	// ResponseSeconds, HeaderSeconds and ConnectSeconds are the
	// $upstream_response_time, $upstream_header_time and
	// $upstream_connect_time elements; negative for "-" or when the format
	// lacks the variable.
	ResponseSeconds, HeaderSeconds, ConnectSeconds float64
	// ResponseLength is the $upstream_response_length element (body bytes
	// received); -1 when the format lacks it.
	ResponseLength int64
	// Group: this try starts a new upstream group, after a " : " (an
	// internal redirect: error_page, X-Accel-Redirect).
	Group bool
}

// Format returns the format string the parser was compiled from.
func (p *Parser) Format() string { return p.format }

// Escape returns the escaping the parser was compiled for.
func (p *Parser) Escape() LogFormatEscape { return p.escape }

// Variables returns the names (without `$`, lowercase) of the variables of
// the format, each once, in the order they first appear.
func (p *Parser) Variables() []string {
	var out []string
	for i, name := range p.names {
		if p.slot(name) == i {
			out = append(out, name)
		}
	}
	return out
}

// HasVariable reports whether the format contains $name.
func (p *Parser) HasVariable(name string) bool { return p.slot(name) >= 0 }

// slot returns the first value slot of variable name ("status" or
// "$status", any case), or -1.
func (p *Parser) slot(name string) int {
	name = strings.TrimPrefix(name, "$")
	for i, n := range p.names {
		if len(n) == len(name) && strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

// slotOf allocates the value slot of a variable occurrence.
func (p *Parser) slotOf(name string) int {
	p.names = append(p.names, name)
	return len(p.names) - 1
}

func (p *Parser) indexFields() {
	p.fStatus, p.fServerName, p.fHost = p.slot("status"), p.slot("server_name"), p.slot("host")
	p.fRequest, p.fRequestTime = p.slot("request"), p.slot("request_time")
	p.fAddr, p.fUStatus = p.slot("upstream_addr"), p.slot("upstream_status")
	p.fURT, p.fUHT, p.fUCT = p.slot("upstream_response_time"), p.slot("upstream_header_time"), p.slot("upstream_connect_time")
	p.fULen = p.slot("upstream_response_length")
}

// Parse parses one line (without its '\n'; a trailing '\r' is tolerated)
// into rec. It allocates nothing for a line that matches. A line that does
// not match the format leaves rec empty and returns a *LogFormatMismatch.
func (p *Parser) Parse(line []byte, rec *Record) error {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if cap(rec.vals) < len(p.names) {
		rec.vals = make([]span, len(p.names))
	}
	rec.vals = rec.vals[:len(p.names)]
	rec.parser, rec.line = p, line
	fail, ok := p.match(line, rec.vals)
	if !ok {
		rec.reset()
		return p.mismatch(line, fail)
	}
	if p.apache {
		rec.readApache()
		return nil
	}
	rec.Status = rec.value(p.fStatus)
	rec.ServerName = rec.value(p.fServerName)
	if len(rec.ServerName) == 0 || string(rec.ServerName) == "-" {
		rec.ServerName = rec.value(p.fHost)
	}
	if string(rec.ServerName) == "-" {
		rec.ServerName = nil
	}
	rec.Request = rec.value(p.fRequest)
	rec.RequestTime = -1
	if p.fRequestTime >= 0 {
		rec.RequestTime = parseSeconds(rec.value(p.fRequestTime))
	}
	rec.splitAttempts()
	rec.decideGenerated()
	return nil
}

// reset empties the record after a mismatch.
func (r *Record) reset() {
	*r = Record{Attempts: r.Attempts[:0], RequestTime: -1, vals: r.vals[:0]}
}

// value returns the value in slot i, nil for -1.
func (r *Record) value(i int) []byte {
	if i < 0 || i >= len(r.vals) {
		return nil
	}
	v := r.vals[i]
	return r.line[v.start:v.end:v.end]
}

// Field returns the value of variable name ("upstream_addr" or
// "$upstream_addr") in the line last parsed, as logged ("-" included); nil
// when the format has no such variable or the line did not match.
func (r *Record) Field(name string) []byte {
	if r.parser == nil || len(r.vals) == 0 {
		return nil
	}
	return r.value(r.parser.slot(name))
}

// LastUpstream returns the peer of the last attempt, the one whose answer
// (or failure) the client got; nil when there was none.
func (r *Record) LastUpstream() []byte {
	if len(r.Attempts) == 0 {
		return nil
	}
	return r.Attempts[len(r.Attempts)-1].Upstream
}
