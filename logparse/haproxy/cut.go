package haproxy

import "github.com/badgateway/badgateway_exporter/logparse"

// Lines cut short by whoever pasted them: classified from what is left,
// never with a field that is not there.

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

// trimEllipsis removes the `…` or `...` whoever pasted a line put where they
// cut it.
func trimEllipsis(b []byte) []byte {
	switch n := len(b); {
	case n >= 3 && string(b[n-3:]) == "\u2026":
		return b[:n-3]
	case n >= 3 && string(b[n-3:]) == "...":
		return b[:n-3]
	}
	return b
}

// parseCheckFragment takes the tail of a check report pasted without its
// start (`Layer6 invalid response, info: "SSL handshake failure", check
// duration: 3ms, status: 0/2 DOWN.`, `reason: Layer4 connection problem, …`):
// the cause is what the reason says, and no server is named because none is
// there. Like a `Health check … failed` line it is not a state change: it
// yields no event.
func parseCheckFragment(msg []byte, v *hapVerdict) bool {
	if logparse.HasPrefix(msg, "reason: ") {
		msg = msg[len("reason: "):]
	}
	if !logparse.HasPrefix(msg, "Layer") {
		return false
	}
	end := hapIndexByte(msg, 0, ',')
	if end < 0 || hapIndex(msg[end:], "check duration: ") < 0 {
		return false
	}
	reason, info := checkReasonInfo(msg)
	c, ok := checkCause(reason, info)
	if !ok || len(reason) != end && !logparse.HasPrefix(reason, "Layer") {
		return false
	}
	*v = hapVerdict{level: v.level, result: logparse.ResultIgnored, checkLine: true, checkFailed: true, cause: c}
	return true
}
