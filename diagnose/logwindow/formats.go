package logwindow

import (
	"fmt"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/apacheerror"
	"github.com/badgateway/badgateway_exporter/logparse/haproxy"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
)

// lineHandler dates and classifies the lines of one file.
type lineHandler interface {
	// date reads the date of a line.
	date(line []byte) (time.Time, bool)
	// feed classifies one line of the window (in file order) dated as
	// class says, and returns whether it was of the file's format. It is
	// called right after date of the same line (the access handler reuses
	// that parse).
	feed(line []byte, class dateClass, t time.Time) bool
	// flush ends the file: a record still pending is counted.
	flush()
	// ordered: lines must be fed in file order (records that span lines,
	// state carried from one line to the next, evidence newest last); else
	// they are fed as the backwards read finds them.
	ordered() bool
}

// newHandler returns the handler of a file's format.
func (w *window) newHandler(f File, t *tally) (lineHandler, error) {
	switch f.Format {
	case NginxError:
		var p nginxerror.Parser
		h := &eventHandler{w: w, t: t, parse: p.Parse, flushParser: p.Flush,
			dateOf: func(l []byte) (time.Time, bool) { return nginxErrorTime(l, w.loc) }}
		h.emit = h.event
		return h, nil
	case HAProxy:
		var p haproxy.Parser
		h := &eventHandler{w: w, t: t, parse: p.Parse,
			dateOf: func(l []byte) (time.Time, bool) { return haproxyTime(l, w.now, w.loc) }}
		h.emit = h.event
		return h, nil
	case ApacheError:
		var p apacheerror.Parser
		h := &eventHandler{w: w, t: t, parse: p.Parse, flushParser: p.Flush,
			dateOf: func(l []byte) (time.Time, bool) { return apacheTime(l, w.loc) }}
		h.emit = h.event
		return h, nil
	case NginxAccess:
		return newAccessHandler(w, t, f.Access)
	}
	return nil, fmt.Errorf("unknown log format %d", f.Format)
}

// eventHandler feeds the error-log parsers, which emit logparse events.
type eventHandler struct {
	w           *window
	t           *tally
	parse       func([]byte, logparse.EmitFunc) logparse.Result
	flushParser func(logparse.EmitFunc)
	dateOf      func([]byte) (time.Time, bool)
	emit        logparse.EmitFunc

	// The line being fed, and the date of the last dated line: a record
	// that spans lines (nginx FastCGI stderr) is dated by its first line.
	line           []byte
	class, last    dateClass
	when, lastWhen time.Time
}

func (h *eventHandler) ordered() bool { return true }

func (h *eventHandler) date(line []byte) (time.Time, bool) { return h.dateOf(line) }

func (h *eventHandler) feed(line []byte, class dateClass, t time.Time) bool {
	h.line, h.class, h.when = line, class, t
	r := h.parse(line, h.emit)
	if class != classUndated {
		h.last, h.lastWhen = class, t
	}
	return r != logparse.ResultUnrecognized
}

func (h *eventHandler) flush() {
	if h.flushParser != nil {
		h.line, h.class, h.when = nil, classUndated, time.Time{}
		h.flushParser(h.emit)
	}
}

// event counts one event of the parser when it is dated in the window. An
// event of an undated line counts only when it spans lines, dated by the
// line that began it; otherwise it is not guessed into the window.
func (h *eventHandler) event(ev *logparse.Event) {
	class, when := h.class, h.when
	if class == classUndated && (ev.Lines > 1 || h.line == nil) {
		class, when = h.last, h.lastWhen
	}
	if class != classIn {
		return
	}
	h.t.mu.Lock()
	defer h.t.mu.Unlock()
	proxy := ev.Proxy.String()
	switch ev.Kind {
	case logparse.KindRequest:
		if len(ev.Upstream) > 0 {
			u := h.t.upstream(ev.Upstream, proxy)
			u.request(when, ev.Status)
			if ev.ResponseSeconds >= 0 {
				h.t.responseTime(u, ev.ResponseSeconds)
			}
		}
		if ev.Cause != cause.None {
			h.t.failure(ev.Cause, ev.Upstream, proxy, when, h.line)
		}
	case logparse.KindHealth:
		if ev.NoLiveUpstreams {
			h.t.failure(cause.NoLiveUpstreams, ev.Upstream, proxy, when, h.line)
		} else if ev.Health == logparse.HealthDown && ev.Cause != cause.None {
			h.t.failure(ev.Cause, ev.Upstream, proxy, when, h.line)
		}
	default:
		h.t.failure(ev.Cause, ev.Upstream, proxy, when, h.line)
	}
}

// accessHandler reads nginx access-log lines through their log_format.
type accessHandler struct {
	w                *window
	t                *tally
	p                *nginxaccess.Parser
	rec              nginxaccess.Record
	local, iso, msec bool
	// parsed: rec holds the line date just read (valid: it matched), so
	// that feed, called next with the same line, does not parse it again.
	parsed, valid bool
}

func newAccessHandler(w *window, t *tally, p *nginxaccess.Parser) (*accessHandler, error) {
	if p == nil {
		return nil, fmt.Errorf("no log_format given for the access log")
	}
	h := &accessHandler{w: w, t: t, p: p,
		local: p.HasVariable("time_local"), iso: p.HasVariable("time_iso8601"), msec: p.HasVariable("msec")}
	if !h.local && !h.iso && !h.msec {
		return nil, fmt.Errorf("its log_format has no $time_local, $time_iso8601 or $msec: lines cannot be dated")
	}
	return h, nil
}

func (h *accessHandler) date(line []byte) (time.Time, bool) {
	h.parsed, h.valid = true, h.p.Parse(line, &h.rec) == nil
	if !h.valid {
		return time.Time{}, false
	}
	return h.recordDate()
}

func (h *accessHandler) recordDate() (time.Time, bool) {
	switch {
	case h.msec:
		return msecTime(h.rec.Field("msec"))
	case h.iso:
		t, _, ok := rfc3339(h.rec.Field("time_iso8601"), 0, h.w.loc)
		return t, ok
	}
	return clfTime(h.rec.Field("time_local"), 0, h.w.loc)
}

// feed counts the line that date read last (lineHandler's contract: date,
// then feed, of each line).
func (h *accessHandler) feed(line []byte, class dateClass, at time.Time) bool {
	if !h.parsed {
		h.valid = h.p.Parse(line, &h.rec) == nil
	}
	h.parsed = false
	if !h.valid {
		return false
	}
	if class != classIn {
		return true
	}
	h.t.mu.Lock()
	defer h.t.mu.Unlock()
	if up := h.rec.LastUpstream(); len(up) > 0 {
		h.t.upstream(up, "nginx").request(at, statusCode(h.rec.Status))
	}
	for _, a := range h.rec.Attempts {
		if a.ResponseSeconds >= 0 && len(a.Upstream) > 0 && string(a.Upstream) != "-" {
			h.t.responseTime(h.t.upstream(a.Upstream, "nginx"), a.ResponseSeconds)
		}
	}
	return true
}

func (h *accessHandler) flush() {}

// ordered is false: an access-log line is one request, whatever the lines
// around it.
func (h *accessHandler) ordered() bool { return false }

// statusCode reads a 3-digit status; 0 when it is not one.
func statusCode(b []byte) int {
	n, ok := num(b, 0, 3)
	if !ok || len(b) != 3 {
		return 0
	}
	return n
}

// msecTime reads $msec: seconds since the epoch with milliseconds.
func msecTime(b []byte) (time.Time, bool) {
	var sec, ms int64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && i < 12; i++ {
		sec = sec*10 + int64(b[i]-'0')
	}
	if i == 0 {
		return time.Time{}, false
	}
	if at(b, i, '.') {
		v, ok := num(b, i+1, 3)
		if !ok {
			return time.Time{}, false
		}
		ms, i = int64(v), i+4
	}
	if i != len(b) {
		return time.Time{}, false
	}
	return time.Unix(sec, ms*int64(time.Millisecond)), true
}
