package logparse

// HAProxy termination states (configuration.txt §8.5) and health-check
// reasons (src/check.c) mapped to causes: causes.md §3.1 rules 4 and 5.

// isTermState reports whether b is a `%ts` (2 chars) or `%tsc` (4 chars)
// termination state: first char from `CScPRIDLUKs-`, second from `RQCHDLT-`,
// then the persistence-cookie chars from `NIDVEOU-` and `NIUPRD-`.
func isTermState(b []byte) bool {
	if len(b) != 2 && len(b) != 4 {
		return false
	}
	if termAlphabet[b[0]]&1 == 0 || termAlphabet[b[1]]&2 == 0 {
		return false
	}
	return len(b) == 2 || termAlphabet[b[2]]&4 != 0 && termAlphabet[b[3]]&8 != 0
}

// termAlphabet has bit n set for the characters allowed at position n of a
// termination state.
var termAlphabet = func() (t [256]uint8) {
	for n, set := range [4]string{"CScPRIDLUKs-", "RQCHDLT-", "NIDVEOU-", "NIUPRD-"} {
		for i := 0; i < len(set); i++ {
			t[set[i]] |= 1 << n
		}
	}
	return t
}()

// termStateCause applies causes.md §3.1 rule 4 to the first two characters
// of a termination state. noServer is true when the log names no server
// (`<NOSRV>`). Decisions beyond the rule-4 table, documented in the package
// README of this parser (haproxy.go):
//   - `R?` in any phase is proxy_resource_exhausted (R means a proxy resource
//     ran out, whatever the phase), `I?` is proxy_internal_error;
//   - `D?` (stream killed because its server was marked down,
//     `on-marked-down shutdown-sessions`) is marked_down;
//   - `K?` (killed by an admin) and `U?` (backup stream killed because an
//     active server came back) are deliberate: none;
//   - `S`/`s` in the R, T, L or `-` phases and `P` in Q, L, `-` are none.
func termStateCause(first, second byte, noServer bool) Cause {
	switch first {
	case 'S':
		switch second {
		case 'C':
			if noServer {
				return CauseNoLiveUpstreams
			}
			return CauseConnectionRefused
		case 'H':
			return CausePrematureClose
		case 'D':
			return CauseConnectionReset
		case 'Q':
			return CauseQueueTimeout
		}
	case 's':
		switch second {
		case 'C':
			return CauseConnectTimeout
		case 'H', 'D':
			return CauseReadTimeout
		case 'Q':
			return CauseQueueTimeout
		}
	case 'P':
		switch second {
		case 'H':
			return CauseInvalidHeader
		case 'D':
			return CauseProtocolError
		case 'C':
			return CauseProxyResourceExhausted
		}
	case 'R':
		return CauseProxyResourceExhausted
	case 'I':
		return CauseProxyInternalError
	case 'D':
		return CauseMarkedDown
	}
	return CauseNone
}

// checkReasons maps the check status descriptions of src/check.c
// (check_statuses[]) to causes (rule 5). Layer4 connection problems and socket
// errors are refined by their `info:` text (checkInfoCause) first.
var checkReasons = [...]struct {
	desc  string
	cause Cause
}{
	{"Layer4 connection problem", CauseConnectionRefused},
	{"Layer4 timeout", CauseConnectTimeout},
	{"Layer6 invalid response", CauseTLSHandshakeFailed},
	{"Layer6 timeout", CauseTLSHandshakeFailed},
	{"Layer7 wrong status", CauseUnhealthyStatus},
	{"Layer7 timeout", CauseReadTimeout},
	{"Layer7 invalid response", CauseProtocolError},
	{"Socket error", CauseMarkedDown},
	{"Health analyze", CauseMarkedDown},
	{"External check error", CauseUnhealthyStatus},
	{"External check timeout", CauseReadTimeout},
}

// checkInfoTexts are errno texts (glibc and musl strerror) and HAProxy
// connection error strings (src/connection.c conn_err_code_str) that an
// `info: "…"` of a failed check may carry.
var checkInfoTexts = [...]struct {
	text  string
	cause Cause
}{
	{"Connection refused", CauseConnectionRefused},
	{"ECONNREFUSED", CauseConnectionRefused},
	{"Permission denied", CausePermissionDenied},
	{"No route to host", CauseHostUnreachable},
	{"Host is down", CauseHostUnreachable},
	{"Host is unreachable", CauseHostUnreachable},
	{"Network is unreachable", CauseNetworkUnreachable},
	{"Network unreachable", CauseNetworkUnreachable},
	{"ENETUNREACH", CauseNetworkUnreachable},
	{"timed out", CauseConnectTimeout},
	{"No such file or directory", CauseSocketNotFound},
	{"Cannot assign requested address", CauseLocalAddressUnavailable},
	{"Address not available", CauseLocalAddressUnavailable},
	{"Source port range exhausted", CauseLocalAddressUnavailable},
	{"Out of local source ports", CauseLocalAddressUnavailable},
	{"Can't bind to source address", CauseLocalAddressUnavailable},
	{"Too many sockets", CauseProxyResourceExhausted},
	{"Too many open files", CauseProxyResourceExhausted},
	{"Reached configured maxconn", CauseProxyResourceExhausted},
	{"Out of system buffers", CauseProxyResourceExhausted},
	{"Connection reset by peer", CauseConnectionReset},
	{"ECONNRESET", CauseConnectionReset},
}

// checkCause applies rule 5: reason first, then the info text. ok is false
// when the reason is not a failure this taxonomy knows.
func checkCause(reason, info []byte) (Cause, bool) {
	for _, r := range checkReasons {
		if !hasPrefix(reason, r.desc) {
			continue
		}
		switch r.cause {
		case CauseConnectionRefused, CauseMarkedDown:
			for _, t := range checkInfoTexts {
				if hapIndex(info, t.text) >= 0 {
					return t.cause, true
				}
			}
		case CauseTLSHandshakeFailed:
			if hapIndex(info, "certificate") >= 0 || hapIndex(info, "verify") >= 0 {
				return CauseTLSVerifyFailed, true
			}
		}
		return r.cause, true
	}
	return CauseNone, false
}

// dnsMaintenanceCause maps the cause in `is going DOWN for maintenance
// (CAUSE)` (server.c srv_adm_st_chg_cause_str): DNS resolution failures are
// dns_failure; `entry removed from SRV record` and admin actions are none.
func dnsMaintenanceCause(why []byte) Cause {
	for _, s := range [...]string{"No IP for server", "DNS NX status", "DNS timeout status", "DNS refused status", "unspecified DNS error"} {
		if hasPrefix(why, s) {
			return CauseDNSFailure
		}
	}
	return CauseNone
}

// hapIndex is bytes.Index for a string needle, without converting.
func hapIndex(b []byte, s string) int {
	if len(s) == 0 {
		return 0
	}
	for i := 0; i+len(s) <= len(b); i++ {
		if b[i] == s[0] && string(b[i:i+len(s)]) == s {
			return i
		}
	}
	return -1
}
