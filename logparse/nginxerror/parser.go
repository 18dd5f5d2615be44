// Package nginxerror has one job: classifying the lines of an nginx error
// log (causes.md §1, §3, §3.1, §3.2) into logparse events: which upstream
// failed, why (a cause.Cause) and what the client got.
package nginxerror

import (
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Parser classifies the lines of one nginx error log
// (causes.md §1, §3, §3.1, §3.2). It is stateful only to join FastCGI
// stderr records that span several physical lines, so use one per log file.
// Not safe for concurrent use. The zero value is ready to use.
type Parser struct {
	ev      logparse.Event // reused for every emit: no allocation per line
	fastcgi fastcgiState
}

// Parse classifies one physical line (without its '\n'; a trailing '\r' is
// tolerated). It returns the Result of this line and calls emit once for
// every complete upstream-failure record: normally once for a classified
// line, never for ignored or unrecognized lines. A FastCGI record that spans
// lines is emitted once, when it completes; if a new header line cuts it
// short, the pending record is emitted first. The event's slices point into
// line (or into the parser) and are valid only during emit.
func (p *Parser) Parse(line []byte, emit logparse.EmitFunc) logparse.Result {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if p.fastcgi.pending {
		if p.continueFastCGI(line, emit) {
			return logparse.ResultClassified
		}
		p.Flush(emit)
	}

	h := locateNginxHeader(line)
	m := nginxMessage{msg: line[h.msgStart:], level: h.level}
	v := m.classify()
	if !v.known {
		if h.found {
			return logparse.ResultIgnored
		}
		return logparse.ResultUnrecognized
	}
	if v.cause == cause.None {
		return logparse.ResultIgnored
	}
	if v.fastcgiHead {
		p.startFastCGI(&h, m.msg[len(msgFastCGIStderr):], emit)
		return logparse.ResultClassified
	}
	p.emitVerdict(&h, &m, &v, emit)
	return logparse.ResultClassified
}

// emitVerdict builds the event of a single-line record and emits it.
func (p *Parser) emitVerdict(h *nginxHeader, m *nginxMessage, v *nginxVerdict, emit logparse.EmitFunc) {
	f := m.contextFields()
	status := v.status
	if !m.cut && !f.hasClient {
		status = 0 // timer or resolver context: no request is waiting
	}
	var upstream []byte
	if v.ownUpstream {
		upstream = v.upstream
	} else {
		upstream = normalizeUpstream(f.upstreamRaw, f.upstreamCut)
		if len(upstream) == 0 && len(v.upstream) > 0 {
			upstream = normalizeUpstream(v.upstream, false)
		}
	}
	p.ev = logparse.Event{
		Proxy:    logparse.ProxyNginx,
		Cause:    v.cause,
		Status:   status,
		ConnID:   h.connID,
		Lines:    1,
		Level:    h.level,
		Upstream: upstream,
		Server:   f.server,
		Client:   f.client,
		Request:  f.request,
		Host:     f.host,
	}
	if emit != nil {
		emit(&p.ev)
	}
}

// Summary is a copy-safe summary of a classified nginx error-log
// line, for one-shot use (tests, the `classify` command).
type Summary struct {
	Result   logparse.Result // of the first physical line
	Cause    cause.Cause     // cause.None when no record was emitted
	Status   int
	ConnID   uint64
	Lines    int
	Level    string
	Upstream string
	Server   string
	Client   string
	Request  string
	Host     string
}

// ClassifyLine classifies one nginx error-log line and describes
// the first record it produced. text may hold several physical lines
// separated by '\n' (one multi-line FastCGI record); a record still pending
// at the end is flushed.
func ClassifyLine(text string) Summary {
	var p Parser
	var s Summary
	capture := func(ev *logparse.Event) {
		if s.Cause == cause.None {
			s = summarizeEvent(ev, s.Result)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		r := p.Parse([]byte(line), capture)
		if i == 0 {
			s.Result = r
		}
	}
	p.Flush(capture)
	return s
}

// summarizeEvent copies an event into a summary.
func summarizeEvent(ev *logparse.Event, r logparse.Result) Summary {
	return Summary{
		Result: r, Cause: ev.Cause, Status: ev.Status, ConnID: ev.ConnID, Lines: ev.Lines,
		Level: string(ev.Level), Upstream: string(ev.Upstream), Server: string(ev.Server),
		Client: string(ev.Client), Request: string(ev.Request), Host: string(ev.Host),
	}
}
