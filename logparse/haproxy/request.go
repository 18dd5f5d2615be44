package haproxy

import "github.com/badgateway/badgateway_exporter/logparse"

// HAProxy request lines: `option httplog`, `httpslog`, `tcplog` (positional
// fast path), custom log-formats (the `%ts`/`%tsc` token followed by the
// `%ac/%fc/%bc/%sc/%rc` counters, wherever it stands) and `httplog clf` /
// `tcplog clf` (counters space-separated).

// parseAnchoredRequest parses a message that starts with `client [date] `.
// done: v is filled; shaped: the message has that shape (even if its
// termination state stands where only parseGenericRequest finds it).
func parseAnchoredRequest(msg []byte, v *hapVerdict) (done, shaped bool) {
	sp := hapIndexByte(msg, 0, ' ')
	if sp <= 0 || sp+4 >= len(msg) || msg[sp+1] != '[' || msg[sp+4] != '/' || hapIndexByte(msg[:sp], 0, ':') < 0 {
		return false, false
	}
	var t hapTokens
	t.reset(msg, 16)
	if !isDateToken(t.tok(1)) {
		return false, false
	}
	if fe := t.tok(2); len(fe) > 1 && fe[len(fe)-1] == ':' {
		v.result = logparse.ResultIgnored // error log: `fe/bind: SSL handshake failure`
		return true, true
	}
	return t.requestFastPath(v), true
}

// parseGenericRequest finds a termination state followed by its counters
// anywhere in msg (custom log-formats, clf).
func parseGenericRequest(msg []byte, v *hapVerdict) bool {
	var t hapTokens
	t.reset(msg, hapMaxTokens)
	for i := 0; t.has(i + 1); i++ {
		if !isTermState(t.tok(i)) {
			continue
		}
		if isCounters(t.tok(i + 1)) {
			t.requestGeneric(i, v)
			return true
		}
		if t.requestCLF(i, v) {
			return true
		}
	}
	for i := 0; t.has(i); i++ {
		if isTermState(t.tok(i)) && t.requestBesideServer(i, v) {
			return true
		}
	}
	return false
}

// requestFastPath parses `client [date] fe be/srv timers …` (httplog,
// httpslog, tcplog and formats that extend them at the end).
func (t *hapTokens) requestFastPath(v *hapVerdict) bool {
	fields, tr := parseTimers(t.tok(4))
	beSrv := t.tok(3)
	if fields != 5 && fields != 3 || hapIndexByte(beSrv, 0, '/') <= 0 {
		return false
	}
	for i := 6; i < 12 && t.has(i); i++ {
		if !isTermState(t.tok(i)) {
			continue
		}
		// The counters follow, unless the line was cut short at or just
		// after the termination state.
		if t.has(i+1) && !isCounters(t.tok(i+1)) && (t.has(i+2) || !isCutCounters(t.tok(i+1))) {
			continue
		}
		v.kind, v.event, v.status, v.responseSeconds = logparse.KindRequest, true, -1, -1
		v.setUpstream(beSrv)
		v.frontend = trimSSLMarker(t.tok(2))
		v.client = clientAddress(t.tok(0))
		if fields == 5 {
			v.status = statusValue(t.tok(5))
			if tr >= 0 {
				v.responseSeconds = float64(tr) / 1000
			}
		}
		v.setTermState(t.tok(i))
		if t.has(i + 1) {
			v.request = firstQuoted(t.after(i + 1))
		}
		v.finishRequest()
		return true
	}
	return false
}

// requestGeneric handles a custom log-format: ts at token i. The timers are
// looked for before it, then after its counters.
func (t *hapTokens) requestGeneric(i int, v *hapVerdict) {
	timers, fields := -1, 0
	for j := i - 1; j >= 0 && timers < 0; j-- {
		if f := timerFields(t.tok(j)); f == 5 || f == 3 {
			timers, fields = j, f
		}
	}
	for j := i + 2; t.has(j) && timers < 0; j++ {
		if f := timerFields(t.tok(j)); f == 5 || f == 3 {
			timers, fields = j, f
		}
	}
	v.fillRequest(t, i, timers, fields)
}

// fillRequest sets the fields of a request verdict: ts at token ts, timers at
// token timers (-1: none) with 5 (HTTP) or 3 (TCP) fields.
func (v *hapVerdict) fillRequest(t *hapTokens, ts, timers, fields int) {
	v.kind, v.event, v.status, v.responseSeconds = logparse.KindRequest, true, 0, -1
	switch {
	case timers >= 0:
		if up := t.tok(timers - 1); looksLikeBeSrv(up) {
			v.setUpstream(up)
			v.frontend = t.frontendBefore(timers - 1)
		}
		if fields == 5 {
			v.status = statusValue(t.tok(timers + 1))
			if _, tr := parseTimers(t.tok(timers)); tr >= 0 {
				v.responseSeconds = float64(tr) / 1000
			}
		} else {
			v.status = -1
		}
	case timers < 0:
		// No timers: `… %ft %b/%s %ST …` is the best guess left.
		for u := ts - 1; u >= 0; u-- {
			if looksLikeBeSrv(t.tok(u)) {
				v.setUpstream(t.tok(u))
				v.frontend = t.frontendBefore(u)
				if st := statusValue(t.tok(u + 1)); st == -1 || st >= 100 && st <= 599 {
					v.status = st
				}
				break
			}
		}
	}
	v.setTermState(t.tok(ts))
	if t.has(ts + 1) {
		v.request = firstQuoted(t.after(ts + 1))
	}
	for d := 1; t.has(d); d++ {
		if isDateToken(t.tok(d)) {
			v.client = clientAddress(t.tok(d - 1))
			if v.request == nil {
				v.request = firstQuoted(t.after(d))
			}
			break
		}
	}
	v.finishRequest()
}

// frontendBefore returns the frontend written before token i, the `%b/%s`;
// `fe ~` (a space before the SSL marker, as some templates write it) gives
// `fe`.
func (t *hapTokens) frontendBefore(i int) []byte {
	if i < 1 {
		return nil
	}
	if tok := t.tok(i - 1); string(tok) == "~" && i >= 2 {
		return frontendToken(t.tok(i - 2))
	}
	return frontendToken(t.tok(i - 1))
}
