package logwindow

import (
	"fmt"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

func haproxyRequest(t time.Time, server, timers string, status int, term string) string {
	t = t.UTC()
	return fmt.Sprintf(`%s web1 haproxy[12]: 127.0.0.1:40000 [%s] fe %s %s %d 212 - - %s 1/1/0/0/0 0/0 "GET / HTTP/1.1"`,
		t.Format("Jan _2 15:04:05"), t.Format("02/Jan/2006:15:04:05.000"), server, timers, status, term)
}

// HAProxy request lines from an rsyslog file: causes from the termination
// state, requests and 5xx per backend/server, Tr as the response time;
// a health-check DOWN with its reason counts as its cause.
func TestHAProxyWindow(t *testing.T) {
	from := testNow.Add(-10 * time.Minute)
	var lines []string
	for range 300 {
		lines = append(lines, haproxyRequest(from.Add(-time.Hour), "be_api/api1", "0/0/-1/-1/0", 503, "SC--"))
	}
	for i := range 4 {
		lines = append(lines, haproxyRequest(from.Add(time.Duration(i)*time.Minute), "be_api/api1", "0/0/-1/-1/0", 503, "SC--"))
	}
	for i := range 10 {
		lines = append(lines, haproxyRequest(from.Add(time.Duration(i)*time.Second), "be_shop/web1", fmt.Sprintf("0/0/0/%d/%d", (i+1)*10, (i+1)*10), 200, "----"))
	}
	lines = append(lines, testNow.Add(-time.Minute).UTC().Format("Jan _2 15:04:05")+
		` web1 haproxy[12]: Server be_api/api2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`)
	path := writeLog(t, t.TempDir(), "haproxy.log", lines)
	res := readOne(t, File{Path: path, Format: HAProxy}, 10*time.Minute)
	s := &res.Summary
	api := mustUpstream(t, s, "be_api/api1")
	if api.Count(cause.ConnectionRefused) != 4 || api.Requests != 4 || api.Gateway5xx != 4 || api.Proxy != "haproxy" {
		t.Errorf("be_api/api1: %+v", api)
	}
	shop := mustUpstream(t, s, "be_shop/web1")
	if shop.Requests != 10 || shop.Status5xx != 0 || shop.Samples != 10 || shop.P50 != 50*time.Millisecond || shop.P99 != 100*time.Millisecond {
		t.Errorf("be_shop/web1: %+v", shop)
	}
	if mustUpstream(t, s, "be_api/api2").Count(cause.ConnectionRefused) != 1 {
		t.Errorf("be_api/api2: %+v", s.Upstream("be_api/api2"))
	}
}

// Apache error log: AH00957 connect failures by backend.
func TestApacheWindow(t *testing.T) {
	line := func(ts time.Time) string {
		return ts.UTC().Format("[Mon Jan 02 15:04:05.000000 2006]") +
			` [proxy:error] [pid 1234:tid 140234] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`
	}
	var lines []string
	for i := range 300 {
		lines = append(lines, line(testNow.Add(-2*time.Hour+time.Duration(i)*time.Second)))
	}
	for i := range 7 {
		lines = append(lines, line(testNow.Add(-time.Duration(i)*time.Minute)))
	}
	path := writeLog(t, t.TempDir(), "error.log", lines)
	res := readOne(t, File{Path: path, Format: ApacheError}, time.Hour)
	if got := mustUpstream(t, &res.Summary, "127.0.0.1:8080").Count(cause.ConnectionRefused); got != 7 {
		t.Errorf("connection_refused: %d, want 7", got)
	}
}
