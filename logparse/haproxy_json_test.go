package logparse

import "testing"

// JSON request logs: the keys of haproxy_json.go, string or number values.
var hapJSONCases = []hapCase{
	{"real 2.6 ok", `{"client_ip":"127.0.0.1","frontend_name":"fe_json","backend_name":"be_ok","server_name":"app1","Tr":0,"status_code":200,"termination_state":"----","request":"GET /ok"}`,
		req(CauseNone, "be_ok/app1", "fe_json", 200, 0)},
	{"real 2.6 sH", `{"client_ip":"127.0.0.1","frontend_name":"fe_json","backend_name":"be_slow","server_name":"app1","Tr":-1,"status_code":504,"termination_state":"sH--","request":"GET /slow"}`,
		req(CauseReadTimeout, "be_slow/app1", "fe_json", 504, -1)},
	{"NOSRV", `{"frontend_name":"fe~","backend_name":"be_app","server_name":"<NOSRV>","status_code":503,"termination_state":"SC--"}`,
		req(CauseNoLiveUpstreams, "be_app", "fe", 503, -1)},
	{"string numbers and short keys", `{ "frontend": "fe", "backend": "be_app", "server": "app1", "status": "502", "time_response": "12", "termination_state": "SH--" }`,
		req(CausePrematureClose, "be_app/app1", "fe", 502, 0.012)},
	{"tcp 2-char state", `{"frontend_name":"fe_pg","backend_name":"be_pg","server_name":"pg1","termination_state":"SD"}`,
		req(CauseConnectionReset, "be_pg/pg1", "fe_pg", 0, -1)},
	{"tsc key and nested values", `{"time":{"accept":"2024-11-21T10:00:00Z","Tr":5},"hdrs":["a","b}"],"backend_name":"be_app","server_name":"app1","http_status":503,"tsc":"sC--","response_time":-1}`,
		req(CauseConnectTimeout, "be_app/app1", "", 503, -1)},
	{"escaped strings", `{"request":"GET /\"q\" HTTP/1.1","backend_name":"be_app","server_name":"app1","status_code":502,"termination_state":"PH--"}`,
		req(CauseInvalidHeader, "be_app/app1", "", 502, -1)},
	{"backend only", `{"backend_name":"be_app","status_code":503,"termination_state":"sQ--"}`,
		req(CauseQueueTimeout, "be_app", "", 503, -1)},
	{"truncated after state", `{"backend_name":"be_app","server_name":"app1","termination_state":"SH--","request":"GET /very/lo`,
		req(CausePrematureClose, "be_app/app1", "", 0, -1)},
	{"syslog framed", `<134>Nov 21 11:03:32 localhost haproxy[3030]: {"frontend_name":"fe_json","backend_name":"be_ok","server_name":"app1","Tr":3,"status_code":200,"termination_state":"----"}`,
		req(CauseNone, "be_ok/app1", "fe_json", 200, 0.003)},
	{"no termination state", `{"frontend_name":"fe_json","backend_name":"be_ok","status_code":200}`, hapIgnored},
	{"invalid termination state", `{"backend_name":"be_ok","termination_state":"XY--"}`, hapIgnored},
	{"foreign JSON", `{"ts":"2024-11-21T10:00:00Z","level":"warn","msg":"SH-- 1/1/0/0/0"}`, hapUnrecognized},
}

func TestHAProxyJSON(t *testing.T) { runHAProxyCases(t, hapJSONCases) }
