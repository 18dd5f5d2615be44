package haproxy

import (
	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// HAProxy's own messages: server state changes (src/server.c), health-check
// reports (src/check.c, `option log-health-checks`), `has no server
// available!` (src/backend.c) and informational lines.

// hapInfoPrefixes start messages HAProxy prints that are never upstream
// failures (startup, reload, stop, SIGHUP dumps, the legacy connect log).
var hapInfoPrefixes = [...]string{
	"Proxy ", "Stopping ", "Pausing ", "Resuming ", "Enabling ", "SIGHUP: ",
	"Connect from ", "Loading success", "New worker", "Former worker", "Current worker",
	"Exiting Master", "Reexecuting Master", "haproxy version is", "path to executable",
}

// parseStateMessage recognises a message of HAProxy itself and fills v.
func parseStateMessage(msg []byte, v *hapVerdict) bool {
	if len(msg) == 0 || msg[0] < 'A' || msg[0] > 'z' {
		return false // request lines start with a digit, JSON with '{' …
	}
	switch msg[0] {
	case 'S':
		if logparse.HasPrefix(msg, "Server ") {
			return parseServerMessage(msg[len("Server "):], v)
		}
	case 'B':
		if logparse.HasPrefix(msg, "Backup Server ") {
			return parseServerMessage(msg[len("Backup Server "):], v)
		}
	case 'H':
		if logparse.HasPrefix(msg, "Health check for ") {
			return parseCheckMessage(msg[len("Health check for "):], v)
		}
	case 'A':
		if logparse.HasPrefix(msg, "Agent check for ") {
			return parseCheckMessage(msg[len("Agent check for "):], v)
		}
	case 'b', 'l', 'p', 'f':
		if parseNoServer(msg, v) {
			return true
		}
	}
	for _, p := range hapInfoPrefixes {
		if p[0] == msg[0] && logparse.HasPrefix(msg, p) {
			v.result = logparse.ResultIgnored
			return true
		}
	}
	return false
}

// serverName splits `BE/SRV rest`; ok is false when the first word is not a
// `backend/server` pair.
func serverName(b []byte) (name, rest []byte, ok bool) {
	sp := hapIndexByte(b, 0, ' ')
	if sp <= 0 {
		return nil, nil, false
	}
	slash := hapIndexByte(b[:sp], 0, '/')
	if slash <= 0 || slash == sp-1 {
		return nil, nil, false
	}
	return b[:sp], b[sp+1:], true
}

// bareServerName splits `SRV is …` where SRV has no `backend/` part (old
// HAProxy versions, and operators who pasted only that): taken only before
// `is DOWN`, `is UP` or `is going DOWN`, and only for a name made of the
// characters HAProxy allows in one.
func bareServerName(b []byte) (name, rest []byte, ok bool) {
	sp := hapIndexByte(b, 0, ' ')
	if sp <= 0 || sp > 64 {
		return nil, nil, false
	}
	for _, c := range b[:sp] {
		if !isHAPNameStart(c) && !logparse.IsDigit(c) && c != '-' && c != '_' && c != '.' && c != ':' {
			return nil, nil, false
		}
	}
	rest = b[sp+1:]
	if !logparse.HasPrefix(rest, "is DOWN") && !logparse.HasPrefix(rest, "is UP") && !logparse.HasPrefix(rest, "is going DOWN") {
		return nil, nil, false
	}
	return b[:sp], rest, true
}

// parseNoServer matches `backend 'BE' has no server available!` (stderr,
// [ALERT]) and `backend BE has no server available!` (syslog, LOG_EMERG);
// the proxy type may also be `listen`, `proxy` or `frontend`.
func parseNoServer(msg []byte, v *hapVerdict) bool {
	const tail = " has no server available!"
	sp := hapIndexByte(msg, 0, ' ')
	if sp < 0 {
		return false
	}
	switch string(msg[:sp]) {
	case "backend", "listen", "proxy", "frontend":
	default:
		return false
	}
	end := hapIndex(msg[sp+1:], tail)
	if end <= 0 {
		return false
	}
	name := msg[sp+1 : sp+1+end]
	if n := len(name); n > 2 && name[0] == '\'' && name[n-1] == '\'' {
		name = name[1 : n-1]
	}
	if hapIndexByte(name, 0, ' ') >= 0 {
		return false
	}
	v.setHealth(logparse.HealthDown, cause.NoLiveUpstreams, name)
	v.noLive = true
	return true
}

// setHealth makes v a KindHealth verdict.
func (v *hapVerdict) setHealth(h logparse.HealthState, c cause.Cause, upstream []byte) {
	v.event, v.kind, v.health, v.cause, v.upstream = true, logparse.KindHealth, h, c, upstream
	v.result = logparse.ResultIgnored
	if c != cause.None {
		v.result = logparse.ResultClassified
	}
}

// parseServerMessage parses what follows `[Backup ]Server `.
func parseServerMessage(rest []byte, v *hapVerdict) bool {
	name, r, ok := serverName(rest)
	if !ok {
		if name, r, ok = bareServerName(rest); !ok {
			return false
		}
	}
	v.result = logparse.ResultIgnored
	if logparse.HasPrefix(r, "('") { // `('hostname') is UP/READY (resolves again)`
		end := hapIndex(r, "') ")
		if end < 0 {
			return true
		}
		r = r[end+3:]
	}
	switch {
	case logparse.HasPrefix(r, "is going DOWN for maintenance"):
		r = r[len("is going DOWN for maintenance"):]
		c := cause.None
		if logparse.HasPrefix(r, " (") {
			c = dnsMaintenanceCause(r[2:])
		}
		v.setHealth(logparse.HealthDown, c, name)
	case logparse.HasPrefix(r, "is DOWN"):
		parseServerDown(r[len("is DOWN"):], name, v)
	case logparse.HasPrefix(r, "is UP"):
		r = r[len("is UP"):]
		if !logparse.HasPrefix(r, " (leaving") { // leaving drain: it was never down
			v.setHealth(logparse.HealthUp, cause.None, name)
		}
	}
	// `is stopping`, `was DOWN and now enters maintenance`, `enters drain
	// state`, `remains in …`, `administratively READY …`: no transition.
	return true
}

// parseServerDown parses what follows `Server be/srv is DOWN`.
func parseServerDown(r, name []byte, v *hapVerdict) {
	switch {
	case len(r) == 0 || r[0] == '.':
		v.setHealth(logparse.HealthDown, cause.MarkedDown, name)
		v.reasonless = true
	case logparse.HasPrefix(r, ", reason: "):
		reason, info := checkReasonInfo(r[len(", reason: "):])
		c, ok := checkCause(reason, info)
		if !ok {
			c = cause.MarkedDown
		}
		v.setHealth(logparse.HealthDown, c, name)
	case logparse.HasPrefix(r, " via "):
		v.setHealth(logparse.HealthDown, cause.MarkedDown, name)
	case logparse.HasPrefix(r, ", changed from "), logparse.HasPrefix(r, " for maintenance"):
		v.setHealth(logparse.HealthDown, cause.None, name) // admin action (CLI, Lua, stats page, state file)
	}
	// `is DOWN/READY (leaving maintenance)`, `is DOWN (leaving drain)`: still down, no transition.
}

// parseCheckMessage parses what follows `Health check for ` / `Agent check
// for `: `[backup ]server BE/SRV failed, reason: …, status: N/M DOWN.`. It is
// not a state change (the `Server … is DOWN` line is); a failure is
// remembered so that the reason-less DOWN line that follows it under
// `option log-health-checks` gets its cause.
func parseCheckMessage(rest []byte, v *hapVerdict) bool {
	if logparse.HasPrefix(rest, "backup ") {
		rest = rest[len("backup "):]
	}
	if !logparse.HasPrefix(rest, "server ") {
		return false
	}
	name, r, ok := serverName(rest[len("server "):])
	if !ok {
		return false
	}
	v.result, v.upstream, v.checkLine = logparse.ResultIgnored, name, true
	if !logparse.HasPrefix(r, "failed, reason: ") {
		return true
	}
	reason, info := checkReasonInfo(r[len("failed, reason: "):])
	if c, ok := checkCause(reason, info); ok {
		v.checkFailed, v.cause = true, c
	}
	return true
}

// checkReasonInfo splits `DESC[, code: N][, info: "…"][, check duration: …]`.
// A line cut short inside DESC (`Layer7 wron…`, `Layer4 connec...`) gives
// DESC without the ellipsis, for checkCause to complete.
func checkReasonInfo(r []byte) (reason, info []byte) {
	end := hapIndexByte(r, 0, ',')
	if end < 0 {
		end = len(r)
		reason = trimEllipsis(r)
		return reason, nil
	}
	reason = r[:end]
	if i := hapIndex(r[end:], `, info: "`); i >= 0 {
		info = r[end+i+len(`, info: "`):]
		if q := hapIndexByte(info, 0, '"'); q >= 0 {
			info = info[:q]
		}
	}
	return reason, info
}
