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

// requestBesideServer handles a custom log-format whose termination state
// (token i) has no counters after it but stands beside the `%b/%s` token,
// or one TLS token (`%sslv`, `%sslc`) away from it: `fe~ be/<NOSRV> SC
// TLS_AES_256_GCM_SHA384 TLSv1.3 503`. A line of HAProxy's, not prose, is
// asked for: a `[%tr]` date, a TLS token or `<NOSRV>` next to them. Only
// what stands there is taken: no status is guessed.
func (t *hapTokens) requestBesideServer(i int, v *hapVerdict) bool {
	srv := -1
	tls := false
	for _, d := range [...]int{-1, 1, -2, 2} {
		j, mid := i+d, i+d/2
		if j < 0 || !t.has(j) || !looksLikeBeSrv(t.tok(j)) {
			continue
		}
		if d == -2 || d == 2 {
			if !isTLSToken(t.tok(mid)) {
				continue
			}
			tls = true
		}
		srv = j
		break
	}
	if srv < 0 {
		return false
	}
	tls = tls || i > 0 && isTLSToken(t.tok(i-1)) || t.has(i+1) && isTLSToken(t.tok(i+1)) ||
		srv > 0 && isTLSToken(t.tok(srv-1)) || t.has(srv+1) && isTLSToken(t.tok(srv+1))
	dated := -1
	for d := 1; d < i && d < srv; d++ {
		if isDateToken(t.tok(d)) {
			dated = d
			break
		}
	}
	if !tls && dated < 0 && !hasSuffix(t.tok(srv), "/<NOSRV>") {
		return false
	}
	v.kind, v.event, v.status, v.responseSeconds = logparse.KindRequest, true, 0, -1
	v.setUpstream(t.tok(srv))
	if srv > 0 && srv-1 != i {
		v.frontend = frontendToken(t.tok(srv - 1))
		if isTLSToken(t.tok(srv - 1)) {
			v.frontend = nil
		}
	}
	if dated > 0 {
		v.client = clientAddress(t.tok(dated - 1))
	}
	v.setTermState(t.tok(i))
	v.finishRequest()
	return true
}

// isTLSToken matches `%sslv` (`TLSv1.3`, `SSLv3`) and `%sslc` (an OpenSSL or
// IANA cipher name: `ECDHE-RSA-AES128-GCM-SHA256`, `TLS_AES_256_GCM_SHA384`).
func isTLSToken(b []byte) bool {
	if logparse.HasPrefix(b, "TLSv") || logparse.HasPrefix(b, "SSLv") || logparse.HasPrefix(b, "TLS_") {
		return true
	}
	dashes := 0
	for _, c := range b {
		switch {
		case c == '-':
			dashes++
		case c >= 'A' && c <= 'Z', logparse.IsDigit(c):
		default:
			return false
		}
	}
	return dashes >= 2 && (hapIndex(b, "AES") >= 0 || hapIndex(b, "CHACHA20") >= 0 || hapIndex(b, "SHA") >= 0)
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

// isCutCounters matches the start of `%ac/%fc/%bc/%sc/%rc` that a line cut
// short ends with (`3/3/1/0/`).
func isCutCounters(b []byte) bool {
	if len(b) == 0 || !logparse.IsDigit(b[0]) {
		return false
	}
	for _, c := range b {
		if !logparse.IsDigit(c) && c != '/' && c != '+' {
			return false
		}
	}
	return true
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

// requestCLF handles `option httplog clf` / `tcplog clf`: ts at token i,
// followed by five space-separated counters and preceded by
// `"fe" "be" "srv" T1 T2 T3 T4 T5`.
func (t *hapTokens) requestCLF(i int, v *hapVerdict) bool {
	if i < 8 || !t.has(i+5) {
		return false
	}
	for j := 1; j <= 5; j++ {
		if !isSignedInt(t.tok(i+j)) || !isSignedInt(t.tok(i-j)) {
			return false
		}
	}
	fe, be, srv := unquote(t.tok(i-8)), unquote(t.tok(i-7)), unquote(t.tok(i-6))
	if fe == nil || be == nil || srv == nil {
		return false
	}
	v.kind, v.event, v.responseSeconds = logparse.KindRequest, true, -1
	v.frontend, v.backend, v.server = trimSSLMarker(fe), be, srv
	v.client = t.tok(0)
	if c := unquote(v.client); c != nil {
		v.client = c // tcplog clf: %{Q}o quotes %ci
	}
	v.status = 0
	if r := hapIndex(t.msg, `] "`); r > 0 {
		if q := hapIndexByte(t.msg, r+3, '"'); q > 0 {
			v.request = t.msg[r+3 : q]
			v.status = statusValue(firstToken(t.msg[q+1:]))
		}
	}
	if v.status == 0 || string(v.request) == "TCP " {
		v.status = -1 // tcplog clf: `"TCP " 000`
	} else if tr, _ := parseSigned(t.tok(i - 2)); tr >= 0 {
		v.responseSeconds = float64(tr) / 1000
	}
	v.setTermState(t.tok(i))
	v.finishRequest()
	return true
}

func hasSuffix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
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
