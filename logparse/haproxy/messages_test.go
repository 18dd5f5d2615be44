package haproxy

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// health is the summary of a server state change.
func health(h logparse.HealthState, c cause.Cause, upstream string) Summary {
	r := logparse.ResultIgnored
	if c != cause.None {
		r = logparse.ResultClassified
	}
	return Summary{Result: r, Emitted: true, Kind: logparse.KindHealth, Health: h, Cause: c, Upstream: upstream}
}

// noLive is the summary of `backend BE has no server available!`.
func noLive(backend string) Summary {
	s := health(logparse.HealthDown, cause.NoLiveUpstreams, backend)
	s.NoLiveUpstreams = true
	return s
}

var (
	hapIgnored      = Summary{Result: logparse.ResultIgnored}
	hapUnrecognized = Summary{}
)

// Prefixes of ha_warning()/ha_alert() on stderr: since 2.4 and before.
const (
	warn26  = "[WARNING]  (1234) : "
	warn23  = "[WARNING] 324/104523 (1234) : "
	alert26 = "[ALERT]    (1234) : "
	alert23 = "[ALERT] 324/104523 (1234) : "
	left    = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue."
	online  = ". 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue."
)

// down builds `Server be_app/app1 is DOWN, reason: …` for both prefixes.
func downCases(name, reason string, c cause.Cause) []hapCase {
	msg := "Server be_app/app1 is DOWN, reason: " + reason + ", check duration: 0ms" + left
	return []hapCase{
		{name + " 2.6", warn26 + msg, health(logparse.HealthDown, c, "be_app/app1")},
		{name + " 2.3", warn23 + msg, health(logparse.HealthDown, c, "be_app/app1")},
		{name + " syslog", "Nov 21 10:00:00 lb1 haproxy[1234]: " + msg, health(logparse.HealthDown, c, "be_app/app1")},
	}
}

// Every check status of causes.md §3.1 rule 5 (src/check.c check_statuses[]).
var hapCheckCases = concatCases(
	downCases("L4CON refused", `Layer4 connection problem, info: "Connection refused"`, cause.ConnectionRefused),
	downCases("L4CON permission", `Layer4 connection problem, info: "General socket error (Permission denied)"`, cause.PermissionDenied),
	downCases("L4CON no route", `Layer4 connection problem, info: "No route to host"`, cause.HostUnreachable),
	downCases("L4CON network", `Layer4 connection problem, info: "Network is unreachable"`, cause.NetworkUnreachable),
	downCases("L4CON unix socket", `Layer4 connection problem, info: "No such file or directory"`, cause.SocketNotFound),
	downCases("L4CON source ports", `Layer4 connection problem, info: "Source port range exhausted"`, cause.LocalAddressUnavailable),
	downCases("L4CON no info", `Layer4 connection problem`, cause.ConnectionRefused),
	downCases("L4TOUT", `Layer4 timeout`, cause.ConnectTimeout),
	downCases("L6RSP handshake", `Layer6 invalid response, info: "SSL handshake failure"`, cause.TLSHandshakeFailed),
	downCases("L6RSP certificate", `Layer6 invalid response, info: "Server presented an SSL certificate different from the expected one"`, cause.TLSVerifyFailed),
	downCases("L6TOUT", `Layer6 timeout`, cause.TLSHandshakeFailed),
	downCases("L7STS", `Layer7 wrong status, code: 503, info: "Service Unavailable"`, cause.UnhealthyStatus),
	downCases("L7STS agent down", `Layer7 wrong status, code: 0, info: "via agent : down"`, cause.UnhealthyStatus),
	downCases("L7TOUT", `Layer7 timeout`, cause.ReadTimeout),
	downCases("L7RSP", `Layer7 invalid response, info: "TCPCHK did not match content 'PONG' at step 3"`, cause.ProtocolError),
	downCases("SOCKERR reset", `Socket error, info: "Connection reset by peer"`, cause.ConnectionReset),
	downCases("SOCKERR", `Socket error`, cause.MarkedDown),
	downCases("HANA", `Health analyze, info: "Detected 10 consecutive errors, last one was: L4 unsuccessful connection"`, cause.MarkedDown),
	downCases("PROCERR", `External check error, code: 1`, cause.UnhealthyStatus),
	downCases("unknown reason", `Something new`, cause.MarkedDown),
)

func concatCases(sets ...[]hapCase) []hapCase {
	var out []hapCase
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}

func TestHAProxyCheckReasons(t *testing.T) { runHAProxyCases(t, hapCheckCases) }

// The other state messages of src/server.c and src/backend.c.
var hapStateCases = []hapCase{
	{"DOWN no reason (tracked/log-health-checks)", warn26 + "Server be_app/app1 is DOWN" + left, health(logparse.HealthDown, cause.MarkedDown, "be_app/app1")},
	{"DOWN no reason 2.3", warn23 + "Server be_app/app1 is DOWN" + left, health(logparse.HealthDown, cause.MarkedDown, "be_app/app1")},
	{"DOWN bare", "Server be_app/app1 is DOWN.", health(logparse.HealthDown, cause.MarkedDown, "be_app/app1")},
	{"DOWN via tracked", warn26 + "Server be_app/app1 is DOWN via be_chk/app1" + left, health(logparse.HealthDown, cause.MarkedDown, "be_app/app1")},
	{"backup DOWN", warn26 + `Backup Server be_app/bk1 is DOWN, reason: Layer4 timeout, check duration: 2001ms` + left, health(logparse.HealthDown, cause.ConnectTimeout, "be_app/bk1")},
	{"DOWN from CLI", warn26 + "Server be_app/app1 is DOWN, changed from CLI" + left, health(logparse.HealthDown, cause.None, "be_app/app1")},
	{"DOWN for maintenance 1.5", warn23 + "Server be_app/app1 is DOWN for maintenance.", health(logparse.HealthDown, cause.None, "be_app/app1")},
	{"UP with reason", warn26 + "Server be_app/app1 is UP, reason: Layer7 check passed, code: 200, check duration: 2ms" + online, health(logparse.HealthUp, cause.None, "be_app/app1")},
	{"UP 2.3", warn23 + "Server be_app/app1 is UP, reason: Layer4 check passed, check duration: 0ms" + online, health(logparse.HealthUp, cause.None, "be_app/app1")},
	{"UP no reason", "Server be_app/app1 is UP" + online, health(logparse.HealthUp, cause.None, "be_app/app1")},
	{"UP leaving maintenance", warn26 + "Server be_app/app1 is UP/READY (leaving forced maintenance).", health(logparse.HealthUp, cause.None, "be_app/app1")},
	{"UP resolves again", warn26 + "Server be_app/app1 ('app.internal') is UP/READY (resolves again).", health(logparse.HealthUp, cause.None, "be_app/app1")},
	{"still DOWN leaving maintenance", warn26 + "Server be_app/app1 is DOWN/READY (leaving maintenance).", hapIgnored},
	{"leaving drain", warn26 + "Server be_app/app1 is UP (leaving forced drain).", hapIgnored},
	{"enters drain", warn26 + "Server be_app/app1 enters drain state" + online, hapIgnored},
	{"stopping", warn26 + "Server be_app/app1 is stopping, reason: Layer7 check conditionally passed, code: 404" + online, hapIgnored},
	{"already DOWN enters maintenance", warn26 + "Server be_app/app1 was DOWN and now enters maintenance.", hapIgnored},
	{"maintenance admin", warn26 + "Server be_app/app1 is going DOWN for maintenance" + left, health(logparse.HealthDown, cause.None, "be_app/app1")},
	{"maintenance stats page", warn26 + "Server be_app/app1 is going DOWN for maintenance ('disable' on stats page)" + left, health(logparse.HealthDown, cause.None, "be_app/app1")},
	{"maintenance SRV record", warn26 + "Server be_app/app1 is going DOWN for maintenance (entry removed from SRV record)" + left, health(logparse.HealthDown, cause.None, "be_app/app1")},
	{"DNS no IP", warn26 + "Server be_app/app1 is going DOWN for maintenance (No IP for server )" + left, health(logparse.HealthDown, cause.DNSFailure, "be_app/app1")},
	{"DNS NX", warn23 + "Server be_app/app1 is going DOWN for maintenance (DNS NX status)" + left, health(logparse.HealthDown, cause.DNSFailure, "be_app/app1")},
	{"DNS timeout", "Server be_app/app1 is going DOWN for maintenance (DNS timeout status)" + left, health(logparse.HealthDown, cause.DNSFailure, "be_app/app1")},
	{"DNS refused", "Server be_app/app1 is going DOWN for maintenance (DNS refused status)" + left, health(logparse.HealthDown, cause.DNSFailure, "be_app/app1")},
	{"DNS unspecified", "Server be_app/app1 is going DOWN for maintenance (unspecified DNS error)" + left, health(logparse.HealthDown, cause.DNSFailure, "be_app/app1")},
	{"no server stderr 2.6", alert26 + "backend 'be_app' has no server available!", noLive("be_app")},
	{"no server stderr 2.3", alert23 + "backend 'be_app' has no server available!", noLive("be_app")},
	{"no server syslog", "<128>Nov 21 10:00:00 lb1 haproxy[1234]: backend be_app has no server available!", noLive("be_app")},
	{"no server listen", "listen stats has no server available!", noLive("stats")},
	{"no server 1.x proxy", "proxy be_app has no server available!", noLive("be_app")},
	{"SIGHUP dump is not a change", "[WARNING]  (1234) : SIGHUP: Server be_app/app1 is DOWN. Conn: 0 act, 0 pend, 17 tot.", hapIgnored},
	{"SIGHUP no server", "SIGHUP: Proxy be_app has no server available ! Conn: act(FE+BE): 0+0, 0 pend (0 unass), tot(FE+BE): 0+17.", hapIgnored},
}

func TestHAProxyStateMessages(t *testing.T) { runHAProxyCases(t, hapStateCases) }

// `option log-health-checks` moves the reason to a `Health check … failed`
// line; the DOWN line after it takes that cause.
var hapHealthCheckLineCases = []hapCase{
	{"check failed alone", warn26 + `Health check for server be_app/app1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 1/2 UP.`, hapIgnored},
	{"backup check failed alone", `Health check for backup server be_app/bk1 failed, reason: Layer7 timeout, check duration: 2001ms, status: 0/2 DOWN.`, hapIgnored},
	{"check succeeded", `Health check for server be_app/app1 succeeded, reason: Layer7 check passed, code: 200, check duration: 1ms, status: 1/2 DOWN.`, hapIgnored},
	{"agent check", `Agent check for server be_app/app1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 0/1 DOWN.`, hapIgnored},
	{"check then DOWN", warn26 + `Health check for server be_app/app1 failed, reason: Layer7 wrong status, code: 500, info: "Internal Server Error", check duration: 3ms, status: 0/2 DOWN.` + "\n" +
		warn26 + "Server be_app/app1 is DOWN" + left, health(logparse.HealthDown, cause.UnhealthyStatus, "be_app/app1")},
	{"check of another server", `Health check for server be_app/app2 failed, reason: Layer4 timeout, check duration: 2001ms, status: 0/2 DOWN.` + "\n" +
		"Server be_app/app1 is DOWN" + left, health(logparse.HealthDown, cause.MarkedDown, "be_app/app1")},
	{"success forgets", `Health check for server be_app/app1 failed, reason: Layer4 timeout, check duration: 2001ms, status: 1/2 UP.` + "\n" +
		`Health check for server be_app/app1 succeeded, reason: Layer4 check passed, check duration: 0ms, status: 2/2 UP.` + "\n" +
		"Server be_app/app1 is DOWN via be_chk/app1" + left, health(logparse.HealthDown, cause.MarkedDown, "be_app/app1")},
}

func TestHAProxyHealthCheckLines(t *testing.T) { runHAProxyCases(t, hapHealthCheckLineCases) }

// The remembered cause survives request lines in between and is used once.
func TestHAProxyCheckMemoUsedOnce(t *testing.T) {
	var p Parser
	var causes []cause.Cause
	collect := func(ev *logparse.Event) { causes = append(causes, ev.Cause) }
	p.Parse([]byte(`Health check for server be/s1 failed, reason: Layer4 timeout, check duration: 2001ms, status: 0/2 DOWN.`), collect)
	p.Parse([]byte(httplog("fe", "be/s2", "0/0/0/1/1", 200, "----")), collect)
	if r := p.Parse([]byte("Server be/s1 is DOWN"+left), collect); r != logparse.ResultClassified {
		t.Errorf("result %v", r)
	}
	p.Parse([]byte("Server be/s1 is DOWN"+left), collect)
	want := []cause.Cause{cause.None, cause.ConnectTimeout, cause.MarkedDown}
	if len(causes) != len(want) || causes[0] != want[0] || causes[1] != want[1] || causes[2] != want[2] {
		t.Fatalf("causes %v, want %v", causes, want)
	}
}
