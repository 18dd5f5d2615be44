package haproxy

import (
	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

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
func termStateCause(first, second byte, noServer bool) cause.Cause {
	switch first {
	case 'S':
		switch second {
		case 'C':
			if noServer {
				return cause.NoLiveUpstreams
			}
			return cause.ConnectionRefused
		case 'H':
			return cause.PrematureClose
		case 'D':
			return cause.ConnectionReset
		case 'Q':
			return cause.QueueTimeout
		}
	case 's':
		switch second {
		case 'C':
			return cause.ConnectTimeout
		case 'H', 'D':
			return cause.ReadTimeout
		case 'Q':
			return cause.QueueTimeout
		}
	case 'P':
		switch second {
		case 'H':
			return cause.InvalidHeader
		case 'D':
			return cause.ProtocolError
		case 'C':
			return cause.ProxyResourceExhausted
		}
	case 'R':
		return cause.ProxyResourceExhausted
	case 'I':
		return cause.ProxyInternalError
	case 'D':
		return cause.MarkedDown
	}
	return cause.None
}

// checkReasons maps the check status descriptions of src/check.c
// (check_statuses[]) to causes (rule 5). Layer4 connection problems and socket
// errors are refined by their `info:` text (checkInfoCause) first.
var checkReasons = [...]struct {
	desc  string
	cause cause.Cause
}{
	{"Layer4 connection problem", cause.ConnectionRefused},
	{"Layer4 timeout", cause.ConnectTimeout},
	{"Layer6 invalid response", cause.TLSHandshakeFailed},
	{"Layer6 timeout", cause.TLSHandshakeFailed},
	{"Layer7 wrong status", cause.UnhealthyStatus},
	{"Layer7 timeout", cause.ReadTimeout},
	{"Layer7 invalid response", cause.ProtocolError},
	{"Socket error", cause.MarkedDown},
	{"Health analyze", cause.MarkedDown},
	{"External check error", cause.UnhealthyStatus},
	{"External check timeout", cause.ReadTimeout},
}

// checkInfoTexts are errno texts (glibc and musl strerror) and HAProxy
// connection error strings (src/connection.c conn_err_code_str) that an
// `info: "…"` of a failed check may carry.
var checkInfoTexts = [...]struct {
	text  string
	cause cause.Cause
}{
	{"Connection refused", cause.ConnectionRefused},
	{"ECONNREFUSED", cause.ConnectionRefused},
	{"Permission denied", cause.PermissionDenied},
	{"No route to host", cause.HostUnreachable},
	{"Host is down", cause.HostUnreachable},
	{"Host is unreachable", cause.HostUnreachable},
	{"Network is unreachable", cause.NetworkUnreachable},
	{"Network unreachable", cause.NetworkUnreachable},
	{"ENETUNREACH", cause.NetworkUnreachable},
	{"timed out", cause.ConnectTimeout},
	{"No such file or directory", cause.SocketNotFound},
	{"Cannot assign requested address", cause.LocalAddressUnavailable},
	{"Address not available", cause.LocalAddressUnavailable},
	{"Source port range exhausted", cause.LocalAddressUnavailable},
	{"Out of local source ports", cause.LocalAddressUnavailable},
	{"Can't bind to source address", cause.LocalAddressUnavailable},
	{"Too many sockets", cause.ProxyResourceExhausted},
	{"Too many open files", cause.ProxyResourceExhausted},
	{"Reached configured maxconn", cause.ProxyResourceExhausted},
	{"Out of system buffers", cause.ProxyResourceExhausted},
	{"Connection reset by peer", cause.ConnectionReset},
	{"ECONNRESET", cause.ConnectionReset},
}

// checkCause applies rule 5: reason first, then the info text. ok is false
// when the reason is not a failure this taxonomy knows.
func checkCause(reason, info []byte) (cause.Cause, bool) {
	for _, r := range checkReasons {
		if !logparse.HasPrefix(reason, r.desc) {
			continue
		}
		switch r.cause {
		case cause.ConnectionRefused, cause.MarkedDown:
			for _, t := range checkInfoTexts {
				if hapIndex(info, t.text) >= 0 {
					return t.cause, true
				}
			}
		case cause.TLSHandshakeFailed:
			if hapIndex(info, "certificate") >= 0 || hapIndex(info, "verify") >= 0 {
				return cause.TLSVerifyFailed, true
			}
		}
		return r.cause, true
	}
	return truncatedReasonCause(reason)
}

// truncatedReasonCause completes a reason cut short at the end of a line: a
// prefix of exactly one description, at least "LayerN x" long, gives its
// cause (without the refinement an info text, also cut, would have given).
func truncatedReasonCause(reason []byte) (cause.Cause, bool) {
	if len(reason) < len("Layer4 c") {
		return cause.None, false
	}
	found, c := 0, cause.None
	for _, r := range checkReasons {
		if len(reason) < len(r.desc) && r.desc[:len(reason)] == string(reason) {
			found, c = found+1, r.cause
		}
	}
	return c, found == 1
}

// dnsMaintenanceCause maps the cause in `is going DOWN for maintenance
// (CAUSE)` (server.c srv_adm_st_chg_cause_str): DNS resolution failures are
// dns_failure; `entry removed from SRV record` and admin actions are none.
func dnsMaintenanceCause(why []byte) cause.Cause {
	for _, s := range [...]string{"No IP for server", "DNS NX status", "DNS timeout status", "DNS refused status", "unspecified DNS error"} {
		if logparse.HasPrefix(why, s) {
			return cause.DNSFailure
		}
	}
	return cause.None
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
