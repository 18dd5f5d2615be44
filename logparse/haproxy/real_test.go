package haproxy

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// hapRealExpectations say what each message of testdata/haproxy-2.6.log
// (real HAProxy 2.6 output, see its header) must give, whatever its framing.
// The first entry whose key the line contains applies.
var hapRealExpectations = []struct {
	key  string
	want Summary
}{
	{"Health check for server be_down/app1 failed", hapIgnored},
	// The reason-less DOWN takes the cause of the check line before it.
	{"Server be_down/app1 is DOWN.", health(logparse.HealthDown, cause.ConnectionRefused, "be_down/app1")},
	{"Server be_track/app1 is DOWN via be_down/app1", health(logparse.HealthDown, cause.MarkedDown, "be_track/app1")},
	{"Server be_status/app1 is DOWN, reason: Layer7 wrong status, code: 503", health(logparse.HealthDown, cause.UnhealthyStatus, "be_status/app1")},
	{"Server be_flap/app1 is DOWN, reason: Layer4 connection problem", health(logparse.HealthDown, cause.ConnectionRefused, "be_flap/app1")},
	{"Server be_backup/app1 is DOWN", health(logparse.HealthDown, cause.ConnectionRefused, "be_backup/app1")},
	{"Backup Server be_backup/app2 is DOWN", health(logparse.HealthDown, cause.ConnectionRefused, "be_backup/app2")},
	{"Server be_l6/app1 is DOWN, reason: Layer6 timeout", health(logparse.HealthDown, cause.TLSHandshakeFailed, "be_l6/app1")},
	{"Server be_l7tout/app1 is DOWN, reason: Layer7 timeout", health(logparse.HealthDown, cause.ReadTimeout, "be_l7tout/app1")},
	{"Server be_ok/app1 is going DOWN for maintenance", health(logparse.HealthDown, cause.None, "be_ok/app1")},
	{"Server be_ok/app1 is UP/READY (leaving forced maintenance)", health(logparse.HealthUp, cause.None, "be_ok/app1")},
	{"Server be_ok/app1 enters drain state", hapIgnored},
	{"Server be_ok/app1 is UP (leaving forced drain)", hapIgnored},
	{"Server be_flap/app1 is UP, reason: Layer4 check passed", health(logparse.HealthUp, cause.None, "be_flap/app1")},
	{"fe_http be_ok/app1 0/0/0/0/0 200", req(cause.None, "be_ok/app1", "fe_http", 200, 0)},
	{"fe_http be_refused/app1 0/0/-1/-1/3003 503", req(cause.ConnectionRefused, "be_refused/app1", "fe_http", 503, -1)},
	{"fe_http be_close/app1 0/0/0/-1/0 502", req(cause.PrematureClose, "be_close/app1", "fe_http", 502, -1)},
	{"fe_http be_slow/app1 0/0/0/-1/1000 504", req(cause.ReadTimeout, "be_slow/app1", "fe_http", 504, -1)},
	{"fe_http be_badhdr/app1 0/0/0/-1/0 502", req(cause.InvalidHeader, "be_badhdr/app1", "fe_http", 502, -1)},
	{"fe_http be_slowbody/app1 0/0/0/0/1000 200", req(cause.ReadTimeout, "be_slowbody/app1", "fe_http", 200, 0)},
	{"fe_http be_resetbody/app1 0/0/0/0/201 200", req(cause.ConnectionReset, "be_resetbody/app1", "fe_http", 200, 0)},
	{"fe_http be_queue/<NOSRV>", req(cause.QueueTimeout, "be_queue", "fe_http", 503, -1)},
	{"fe_http be_queue/app1 0/0/0/-1/1001 504", req(cause.ReadTimeout, "be_queue/app1", "fe_http", 504, -1)},
	{"fe_http be_down/<NOSRV> 0/-1/-1/-1/0 503", req(cause.NoLiveUpstreams, "be_down", "fe_http", 503, -1)},
	{"fe_https~ be_ok/app1", req(cause.None, "be_ok/app1", "fe_https", 200, 0)},
	{"fe_https~ be_refused/app1", req(cause.ConnectionRefused, "be_refused/app1", "fe_https", 503, -1)},
	{"fe_https/1: SSL handshake failure", hapIgnored},
	{"fe_custom be_ok/app1", req(cause.None, "be_ok/app1", "fe_custom", 200, 0)},
	{"fe_custom be_close/app1", req(cause.PrematureClose, "be_close/app1", "fe_custom", 502, -1)},
	{`"backend_name":"be_ok"`, req(cause.None, "be_ok/app1", "fe_json", 200, 0)},
	{`"backend_name":"be_slow"`, req(cause.ReadTimeout, "be_slow/app1", "fe_json", 504, -1)},
	{`"fe_clf" "be_ok" "app1"`, req(cause.None, "be_ok/app1", "fe_clf", 200, 0)},
	{`"fe_clf" "be_refused" "app1"`, req(cause.ConnectionRefused, "be_refused/app1", "fe_clf", 503, -1)},
	{"fe_tcp be_tcp/app1 1/-1/3003 0 SC", req(cause.ConnectionRefused, "be_tcp/app1", "fe_tcp", -1, -1)},
	{" stopped (cumulated conns: ", hapIgnored},
}

var noServerLine = regexp.MustCompile(`backend '?(\w+)'? has no server available!$`)

func TestHAProxyRealLines(t *testing.T) {
	f, err := os.Open("testdata/haproxy-2.6.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var p Parser
	used := make([]bool, len(hapRealExpectations))
	events := map[string]int{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# --- ") {
			section, p = line[len("# --- "):], Parser{}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		var want Summary
		found := false
		if m := noServerLine.FindStringSubmatch(line); m != nil {
			want, found = noLive(m[1]), true
		}
		for i, e := range hapRealExpectations {
			if !found && strings.Contains(line, e.key) {
				want, found, used[i] = e.want, true, true
			}
		}
		if !found {
			t.Errorf("no expectation for real line: %s", line)
			continue
		}
		got := Summary{}
		got.Result = p.Parse([]byte(line), func(ev *logparse.Event) {
			got.Emitted, got.Kind, got.Health, got.Cause, got.Status = true, ev.Kind, ev.Health, ev.Cause, ev.Status
			got.ResponseSeconds, got.NoLiveUpstreams = ev.ResponseSeconds, ev.NoLiveUpstreams
			got.Upstream, got.Server = string(ev.Upstream), string(ev.Server)
		})
		if got != want {
			t.Errorf("%s line: %s\n got: %+v\nwant: %+v", section, line, got, want)
		}
		if got.Emitted {
			events[section]++
		}
	}
	for i, e := range hapRealExpectations {
		if !used[i] {
			t.Errorf("expectation %q matched no line", e.key)
		}
	}
	// The same run, written three ways, gives the same events.
	if events["raw"] == 0 || events["raw"] != events["rfc5424"] || events["raw"] != events["rfc3164"] {
		t.Errorf("events per section: %v", events)
	}
}
