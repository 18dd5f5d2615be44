package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// A FastCGI stderr record can span several physical lines: nginx copies the
// application's newlines into the log as they are. The head line carries the
// header and `FastCGI sent in stderr: "…` without the closing `" while`; the
// following lines have no header; the last one ends the quoted payload with
// `" while ACTION, client: …, upstream: "fastcgi://…", host: …`. nginx caps
// the whole record at NGX_MAX_ERROR_STR (2048) bytes, so a record can also
// end without that tail; the next header line then closes it.

// fastcgiPayloadEnd closes the quoted stderr payload.
var fastcgiPayloadEnd = []byte(`" while `)

// Bounds of a pending record. nginx writes at most 2048 bytes per record;
// collector prefixes on every physical line add to that, so allow plenty
// before deciding the "continuation" is something else.
const (
	maxFastCGIRecordBytes = 64 << 10
	maxFastCGIRecordLines = 2048
)

// fastcgiState is the record the parser is in the middle of.
type fastcgiState struct {
	pending  bool
	lines    int
	bytes    int
	connID   uint64
	levelLen int
	levelBuf [8]byte // "error"; copied, the head line's buffer is gone
}

// findFastCGIPayloadEnd returns the offset of the `"` that closes the payload
// in b, or -1. The last `" while ` wins over any inside the payload, and what
// follows must look like nginx's own tail (context fields, or an upstream
// action when the line was cut), not like more application text.
func findFastCGIPayloadEnd(b []byte) int {
	end := bytes.LastIndex(b, fastcgiPayloadEnd)
	if end < 0 {
		return -1
	}
	m := nginxMessage{msg: b[end+1:]}
	m.parse()
	if m.cut && m.phase == phaseOther {
		return -1
	}
	return end
}

// startFastCGI handles a head line. payload is the text after the opening
// quote. If the payload closes on this line the record is complete.
func (p *Parser) startFastCGI(h *nginxHeader, payload []byte, emit logparse.EmitFunc) {
	if end := findFastCGIPayloadEnd(payload); end >= 0 {
		p.emitFastCGI(payload[end+1:], h.level, h.connID, 1, emit)
		return
	}
	s := &p.fastcgi
	s.pending = true
	s.lines = 1
	s.bytes = len(payload)
	s.connID = h.connID
	s.levelLen = copy(s.levelBuf[:], h.level)
}

// continueFastCGI handles a line inside a pending record. It reports false
// when the line cannot belong to the record (it starts a new one, or the
// record grew past what nginx can write).
func (p *Parser) continueFastCGI(line []byte, emit logparse.EmitFunc) bool {
	s := &p.fastcgi
	if s.lines >= maxFastCGIRecordLines || s.bytes+len(line) > maxFastCGIRecordBytes || hasStrictNginxHeader(line) {
		return false
	}
	s.lines++
	s.bytes += len(line) + 1
	if end := findFastCGIPayloadEnd(line); end >= 0 {
		s.pending = false
		p.emitFastCGI(line[end+1:], s.levelBuf[:s.levelLen], s.connID, s.lines, emit)
	}
	return true
}

// Flush emits a pending multi-line FastCGI record, if any. Call it at end of
// file or when the file has been idle: the record then lacks its context
// fields (they were cut off or never written).
func (p *Parser) Flush(emit logparse.EmitFunc) {
	s := &p.fastcgi
	if !s.pending {
		return
	}
	s.pending = false
	p.ev = logparse.Event{
		Proxy:  logparse.ProxyNginx,
		Cause:  cause.FastCGIStderr,
		ConnID: s.connID,
		Lines:  s.lines,
		Level:  s.levelBuf[:s.levelLen],
	}
	if emit != nil {
		emit(&p.ev)
	}
}

// emitFastCGI emits a complete record; after is ` while ACTION, client: …`.
func (p *Parser) emitFastCGI(after, level []byte, connID uint64, lines int, emit logparse.EmitFunc) {
	m := nginxMessage{msg: after, level: level}
	f := m.contextFields()
	p.ev = logparse.Event{
		Proxy:    logparse.ProxyNginx,
		Cause:    cause.FastCGIStderr,
		ConnID:   connID,
		Lines:    lines,
		Level:    level,
		Upstream: normalizeUpstream(f.upstreamRaw, f.upstreamCut),
		Server:   f.server,
		Client:   f.client,
		Request:  f.request,
		Host:     f.host,
	}
	if emit != nil {
		emit(&p.ev)
	}
}
