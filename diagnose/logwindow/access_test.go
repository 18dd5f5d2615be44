package logwindow

import (
	"fmt"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

const testAccessFormat = `$remote_addr [$time_local] "$request" $status $upstream_addr $upstream_status $upstream_response_time`

func accessLine(t time.Time, status, addr, ustatus, urt string) string {
	return fmt.Sprintf(`127.0.0.1 [%s] "GET / HTTP/1.1" %s %s %s %s`, t.UTC().Format("02/Jan/2006:15:04:05 -0700"), status, addr, ustatus, urt)
}

func compileAccess(tb testing.TB, format string) *nginxaccess.Parser {
	tb.Helper()
	p, err := nginxaccess.Compile(format, nginxaccess.LogFormatEscapeDefault)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Requests, 5xx share and response-time percentiles per upstream, from the
// lines of the window only; every try of a retried request has its time,
// "-" has none.
func TestAccessWindow(t *testing.T) {
	from := testNow.Add(-15 * time.Minute)
	var lines []string
	for range 300 {
		lines = append(lines, accessLine(from.Add(-time.Hour), "502", "127.0.0.1:5000", "502", "9.000"))
	}
	for i := 1; i <= 100; i++ {
		status := "200"
		if i%20 == 0 {
			status = "502"
		}
		lines = append(lines, accessLine(from.Add(time.Duration(i)*time.Second), status, "127.0.0.1:5000", status, fmt.Sprintf("%d.%02d0", i/100, i%100)))
	}
	lines = append(lines,
		accessLine(testNow.Add(-time.Minute), "200", "127.0.0.1:5000, 127.0.0.1:5001", "502, 200", "0.001, 0.200"),
		accessLine(testNow.Add(-time.Minute), "504", "127.0.0.1:5001", "504", "-"),
		accessLine(testNow.Add(-time.Minute), "500", "127.0.0.1:5001", "500", "0.300"),
		accessLine(testNow.Add(-time.Minute), "200", "-", "-", "-"), // no upstream: static file
		"not an access line",
	)
	path := writeLog(t, t.TempDir(), "access.log", lines)
	res := readOne(t, File{Path: path, Format: NginxAccess, Access: compileAccess(t, testAccessFormat)}, 15*time.Minute)
	if len(res.Skipped) != 0 {
		t.Fatalf("skipped: %v", res.Skipped)
	}
	a := mustUpstream(t, &res.Summary, "127.0.0.1:5000")
	if a.Requests != 100 || a.Status5xx != 5 || a.Gateway5xx != 5 || a.Share5xx() != 0.05 || a.Samples != 101 {
		t.Errorf("127.0.0.1:5000: %+v", a)
	}
	// 101 samples: 0.001 and 0.01 … 1.00.
	if a.P50 != 500*time.Millisecond || a.P90 != 900*time.Millisecond || a.P99 != 990*time.Millisecond {
		t.Errorf("percentiles %v %v %v, want 500ms 900ms 990ms", a.P50, a.P90, a.P99)
	}
	b := mustUpstream(t, &res.Summary, "127.0.0.1:5001")
	if b.Requests != 3 || b.Status5xx != 2 || b.Gateway5xx != 1 || b.Samples != 2 || b.P99 != 300*time.Millisecond {
		t.Errorf("127.0.0.1:5001: %+v", b)
	}
	if st := res.Summary.Files[0]; st.Unrecognized != 1 || st.Undated != 1 || st.InWindow != 104 {
		t.Errorf("stats: %+v", st)
	}
	fs := res.Findings()
	if len(fs) != 2 || fs[0].Severity != diagnose.Critical || fs[0].Upstream == "" || fs[0].Cause != "" {
		t.Fatalf("findings: %+v", fs)
	}
	for _, f := range fs {
		if f.Upstream == "127.0.0.1:5000" && f.Summary != "100 requests to 127.0.0.1:5000 in the last 15m, 5 5xx (5.0%); upstream response time p50 500ms, p90 900ms, p99 990ms" {
			t.Errorf("summary: %q", f.Summary)
		}
	}
}

// A log_format without a date cannot be windowed: the file is skipped with
// the reason rather than read whole or counted as recent.
func TestAccessFormatWithoutDate(t *testing.T) {
	path := writeLog(t, t.TempDir(), "access.log", []string{`127.0.0.1 "GET / HTTP/1.1" 502`})
	res := readOne(t, File{Path: path, Format: NginxAccess, Access: compileAccess(t, `$remote_addr "$request" $status`)}, time.Hour)
	if len(res.Skipped) != 1 || res.Skipped[0].Check != diagnose.CheckLogs || len(res.Summary.Upstreams) != 0 {
		t.Fatalf("result: %+v", res)
	}
	t.Log(res.Skipped[0].Reason)
}
