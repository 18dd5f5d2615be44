package logparse

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
			if done, s := classifyAnchored(line[p:], v); done {
				return
			} else if s {
				shaped = true
			}
		}
		from := f.pos
		for tries := 0; tries < 4; tries++ {
			msg, haproxy, next := nextTagEnd(line, from)
			if msg < 0 {
				break
			}
			tagged = tagged || haproxy
			if done, s := classifyAnchored(line[msg:], v); done {
				return
			} else if s {
				shaped = true
			}
			from = next
		}
	}
	if parseGenericRequest(line[f.pos:], v) {
		return
	}
	if shaped || tagged {
		v.result = ResultIgnored // HAProxy wrote it, but it is none of the above
	}
}

// classifyAnchored classifies a message that starts at msg[0].
func classifyAnchored(msg []byte, v *hapVerdict) (done, shaped bool) {
	if len(msg) == 0 {
		return false, false
	}
	switch msg[0] {
	case '{':
		return parseJSONLine(msg, v), false
	case '[':
		level, rest, ok := skipLevelPrefix(msg)
		if !ok {
			return false, false
		}
		v.level = level
		if !parseStateMessage(rest, v) {
			v.result = ResultIgnored // config warnings, startup notices …
		}
		return true, true
	}
	if parseStateMessage(msg, v) {
		return true, true
	}
	return parseAnchoredRequest(msg, v)
}
