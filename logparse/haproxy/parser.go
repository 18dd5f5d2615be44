// Package haproxy has one job: classifying the lines of a HAProxy log
// (causes.md §2, §3.1 rules 4 and 5, §3.2), behind whatever syslog or
// collector framing, into logparse events: request lines, server state
// changes and what health checks report.
package haproxy

import (
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Parser classifies the lines of one HAProxy log (causes.md §2, §3.1
// rules 4 and 5, §3.2): request lines (httplog, httpslog, tcplog, their clf
// variants, custom log-formats carrying %ts/%tsc, JSON), server state
// changes, health-check reports and `has no server available!`, behind any
// of the usual framings (raw, rsyslog file, RFC 3164, RFC 5424, journald,
// RFC 3339 stamps). It keeps one piece of state: the cause of the last
// failed health check, which `option log-health-checks` reports on its own
// line just before a reason-less `Server be/srv is DOWN.`. Use one per
// source; not safe for concurrent use. The zero value is ready to use.
//
// Decisions the taxonomy leaves open:
//   - every request line is emitted (KindRequest, feeding the request
//     totals), with its `be/srv` Upstream even when Cause is none;
//   - `is going DOWN for maintenance` without a DNS cause, `is DOWN, changed
//     from CLI|Lua script|…` and old `is DOWN for maintenance` are emitted as
//     HealthDown with Cause none (admin action); `is UP/READY (leaving …
//     maintenance)` as HealthUp; drain, `is stopping`, `enters maintenance`
//     (already down) and `remains in …` yield no event;
//   - `Health check … failed` lines yield no event (the state change has its
//     own line), but a reason-less DOWN that follows one for the same server
//     takes its cause instead of marked_down;
//   - termination states beyond the rule-4 table: see termStateCause;
//   - lines cut short are classified from what is left: a reason cut inside
//     its description takes the one description it can be (truncatedReasonCause),
//     an httplog line cut at or after its termination state is a request, and
//     a check report pasted from its reason on (`Layer6 invalid response,
//     info: …, check duration: …`) is a check line with a cause and no server
//     (no event: nothing says which server).
type Parser struct {
	ev   logparse.Event
	join []byte // `backend/server` for lines that write them apart
	memo struct {
		name  [128]byte
		n     int
		cause cause.Cause
	}
}

// Parse classifies one physical line (without its '\n'; a trailing '\r' is
// tolerated). It calls emit at most once: for every request line and every
// server state change. A request line returns ResultClassified when its
// termination state blames the server side, else ResultIgnored; a state
// change returns ResultClassified when it carries a cause. Lines of HAProxy
// that are neither return ResultIgnored, other lines ResultUnrecognized. The
// event's slices point into line (or into the parser) and are valid only
// during emit.
func (p *Parser) Parse(line []byte, emit logparse.EmitFunc) logparse.Result {
	var v hapVerdict
	classifyHAProxy(line, &v)
	switch {
	case v.checkLine:
		p.remember(&v)
	case v.reasonless:
		if c, ok := p.recall(v.upstream); ok {
			v.cause = c
		}
	}
	if !v.event {
		return v.result
	}
	p.ev = logparse.Event{
		Kind: v.kind, Health: v.health, Proxy: logparse.ProxyHAProxy, Cause: v.cause, Lines: 1,
		NoLiveUpstreams: v.noLive, Level: v.level, Upstream: p.upstream(&v),
		Server: v.frontend, Client: v.client, Request: v.request,
	}
	if v.kind == logparse.KindRequest {
		p.ev.Status, p.ev.ResponseSeconds = v.status, v.responseSeconds
	}
	if emit != nil {
		emit(&p.ev)
	}
	return v.result
}

// upstream returns `backend/server`, joining the two in p.join when the line
// writes them apart; the backend alone when no server was chosen (or when a
// name holds a '/', which no HAProxy name does).
func (p *Parser) upstream(v *hapVerdict) []byte {
	switch {
	case v.upstream != nil:
		return v.upstream
	case len(v.server) == 0 || v.noServer() || hapIndexByte(v.backend, 0, '/') >= 0 || hapIndexByte(v.server, 0, '/') >= 0:
		return v.backend
	case len(v.backend) == 0:
		return v.server
	}
	p.join = append(append(append(p.join[:0], v.backend...), '/'), v.server...)
	return p.join
}

// remember keeps (or, for a passing check, forgets) a check failure.
func (p *Parser) remember(v *hapVerdict) {
	if !v.checkFailed {
		if string(p.memo.name[:p.memo.n]) == string(v.upstream) {
			p.memo.n = 0
		}
		return
	}
	if len(v.upstream) > len(p.memo.name) {
		p.memo.n = 0
		return
	}
	p.memo.n = copy(p.memo.name[:], v.upstream)
	p.memo.cause = v.cause
}

// recall returns and forgets the remembered failure of server name.
func (p *Parser) recall(name []byte) (cause.Cause, bool) {
	if p.memo.n == 0 || string(p.memo.name[:p.memo.n]) != string(name) {
		return cause.None, false
	}
	p.memo.n = 0
	return p.memo.cause, true
}

// classifyHAProxy fills v from one line: it finds the message behind the
// framing, then tries, in order, the anchored forms (JSON, `[LEVEL] (pid) : `
// messages, state and check messages, `client [date] …` request lines) at
// each place a message may start, and last the position-free search for a
// termination state (custom log-formats, clf).
func classifyHAProxy(line []byte, v *hapVerdict) {
	for n := len(line); n > 0 && (line[n-1] == '\r' || line[n-1] == '\n' || line[n-1] == ' '); n-- {
		line = line[:n-1]
	}
	f := locateHAProxyFrame(line)
	v.level = f.level
	done, shaped := classifyAnchored(line[f.pos:], v)
	if done {
		return
	}
	tagged := f.haproxy
	if !f.rfc5424 {
		if p := skipRFC3339(line, f.pos); p != f.pos {
			done, s := classifyAnchored(line[p:], v)
			if done {
				return
			}
			shaped = shaped || s
		}
		from := f.pos
		for tries := 0; tries < 4; tries++ {
			msg, haproxy, next := nextTagEnd(line, from)
			if msg < 0 {
				break
			}
			tagged = tagged || haproxy
			done, s := classifyAnchored(line[msg:], v)
			if done {
				return
			}
			shaped, from = shaped || s, next
		}
	}
	if lp := findLevelPrefix(line, f.pos); lp > f.pos {
		if done, _ := classifyAnchored(line[lp:], v); done {
			return
		}
	}
	if parseGenericRequest(line[f.pos:], v) {
		return
	}
	if parseCheckFragment(line[f.pos:], v) {
		return
	}
	if shaped || tagged {
		v.result = logparse.ResultIgnored // HAProxy wrote it, but it is none of the above
	}
}

// classifyAnchored classifies a message that starts at msg[0].
func classifyAnchored(msg []byte, v *hapVerdict) (done, shaped bool) {
	if len(msg) == 0 {
		return false, false
	}
	switch msg[0] {
	case '{':
		if parseJSONLine(msg, v) {
			return true, false
		}
		*v = hapVerdict{level: v.level} // forget what a foreign object set
		return false, false
	case '[':
		level, rest, ok := skipLevelPrefix(msg)
		if !ok {
			return false, false
		}
		v.level = level
		if !parseStateMessage(rest, v) {
			v.result = logparse.ResultIgnored // config warnings, startup notices …
		}
		return true, true
	}
	if parseStateMessage(msg, v) {
		return true, true
	}
	return parseAnchoredRequest(msg, v)
}

// LooksLike reports whether line is something HAProxy writes (a request
// line, a state or check message, a line tagged `haproxy[pid]:` …): the test
// `classify --proxy=auto` uses to choose a parser per line. It allocates
// nothing and keeps no state.
func LooksLike(line []byte) bool {
	var v hapVerdict
	classifyHAProxy(line, &v)
	return v.result != logparse.ResultUnrecognized
}

// Summary is a copy-safe summary of a parsed HAProxy line, for one-shot
// use (tests, the `classify` command).
type Summary struct {
	Result          logparse.Result // of the line that emitted, else of the first line
	Emitted         bool            // an event was emitted
	Kind            logparse.EventKind
	Health          logparse.HealthState
	Cause           cause.Cause
	Status          int
	ResponseSeconds float64
	NoLiveUpstreams bool
	Level           string
	Upstream        string
	Server          string
	Client          string
	Request         string
}

// ClassifyLine parses text with a fresh parser and describes the first
// event. text may hold several lines separated by '\n' (a `Health check …
// failed` line and the `Server … is DOWN.` line it explains).
func ClassifyLine(text string) Summary {
	var p Parser
	var s Summary
	for i, line := range strings.Split(text, "\n") {
		emitted := false
		r := p.Parse([]byte(line), func(ev *logparse.Event) {
			if !s.Emitted {
				emitted = true
				s = Summary{
					Emitted: true, Kind: ev.Kind, Health: ev.Health, Cause: ev.Cause, Status: ev.Status,
					ResponseSeconds: ev.ResponseSeconds, NoLiveUpstreams: ev.NoLiveUpstreams,
					Level: string(ev.Level), Upstream: string(ev.Upstream), Server: string(ev.Server),
					Client: string(ev.Client), Request: string(ev.Request),
				}
			}
		})
		if i == 0 || emitted {
			s.Result = r
		}
	}
	return s
}
