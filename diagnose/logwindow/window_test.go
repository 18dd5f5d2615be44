package logwindow

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// A 15-minute window over an error log whose lines straddle its start:
// exactly the lines dated inside it count, out-of-order lines near its
// start included, and the read stops in the old part.
func TestNginxErrorWindowCounts(t *testing.T) {
	from := testNow.Add(-15 * time.Minute)
	var lines []string
	for i := range 2000 { // old: before the window, far more than the stop run
		lines = append(lines, refusedLine(from.Add(-time.Hour+time.Duration(i)*time.Second), "127.0.0.1:5000"))
	}
	lines = append(lines,
		refusedLine(from.Add(-time.Second), "127.0.0.1:5000"),   // just before: not counted
		refusedLine(from, "127.0.0.1:5000"),                     // exactly at the start: counted
		refusedLine(from.Add(-2*time.Second), "127.0.0.1:5000"), // out of order, before: not counted
		noticeLine(from.Add(time.Minute)),
	)
	for i := range 36 {
		lines = append(lines, refusedLine(from.Add(time.Duration(i+2)*time.Minute/4), "127.0.0.1:5000"))
	}
	lines = append(lines,
		refusedLine(from.Add(-3*time.Second), "127.0.0.1:5000"), // out of order inside: old, not counted
		readTimeoutLine(testNow.Add(-time.Minute), "127.0.0.1:6000"),
		readTimeoutLine(testNow.Add(-30*time.Second), "127.0.0.1:6000"),
		"garbage without a date \xff\xfe",
		`connect() failed (111: Connection refused) while connecting to upstream, upstream: "http://127.0.0.1:5000/"`, // undated failure: not guessed in
		refusedLine(testNow.Add(time.Hour), "127.0.0.1:5000"),                                                         // future: not counted
		refusedLine(testNow.Add(-4*time.Second), "127.0.0.1:5000"),
	)
	path := writeLog(t, t.TempDir(), "error.log", lines)
	res := readOne(t, File{Path: path, Format: NginxError}, 15*time.Minute)
	if len(res.Skipped) != 0 {
		t.Fatalf("skipped: %v", res.Skipped)
	}
	s := &res.Summary
	app := mustUpstream(t, s, "127.0.0.1:5000")
	if got := app.Count(cause.ConnectionRefused); got != 38 {
		t.Errorf("connection_refused from 127.0.0.1:5000: %d, want 38", got)
	}
	cc := app.Cause(cause.ConnectionRefused)
	if !cc.First.Equal(from) || !cc.Last.Equal(testNow.Add(-4*time.Second)) {
		t.Errorf("first/last seen %v / %v, want %v / %v", cc.First, cc.Last, from, testNow.Add(-4*time.Second))
	}
	if len(cc.Evidence) != EvidenceLines || !strings.HasPrefix(cc.Evidence[0], nginxStamp(testNow.Add(-4*time.Second))) {
		t.Errorf("evidence, newest first: %q", cc.Evidence)
	}
	slow := mustUpstream(t, s, "127.0.0.1:6000")
	if got := slow.Count(cause.ReadTimeout); got != 2 {
		t.Errorf("read_timeout from 127.0.0.1:6000: %d, want 2", got)
	}
	st := s.Files[0]
	if st.Undated != 2 || st.Future != 1 || st.Old != 2 || st.InWindow != 41 || st.ReachedStart || st.Capped {
		t.Errorf("file stats: %+v", st)
	}
	if st.BytesRead >= st.Size/2 {
		t.Errorf("read %d of %d bytes: the old part should not have been read", st.BytesRead, st.Size)
	}

	fs := res.Findings()
	if len(fs) != 2 {
		t.Fatalf("findings: %+v", fs)
	}
	f := fs[0]
	if f.Severity != diagnose.Critical || !f.Failing || f.Check != diagnose.CheckLogs || f.Cause != "connection_refused" ||
		f.Upstream != "127.0.0.1:5000" || f.Runbook != "docs/runbook.md#connection_refused" || f.Fix != cause.ConnectionRefused.FixHint() {
		t.Errorf("finding: %+v", f)
	}
	if want := "38 × connection_refused from 127.0.0.1:5000 in the last 15m (newest 03:29:56)"; f.Summary != want {
		t.Errorf("summary %q, want %q", f.Summary, want)
	}
}

// Proxy-level failures have no upstream: worker_connections are not enough
// is a proxy entry even when the line names one.
func TestProxyLevelEntries(t *testing.T) {
	ts := nginxStamp(testNow.Add(-time.Minute))
	path := writeLog(t, t.TempDir(), "error.log", []string{
		ts + ` [alert] 31#31: 1024 worker_connections are not enough`,
		ts + ` [alert] 31#31: *503 768 worker_connections are not enough while connecting to upstream, client: 1.2.3.4, server: s, request: "GET / HTTP/1.1", upstream: "http://10.0.0.5:80/", host: "s"`,
	})
	res := readOne(t, File{Path: path, Format: NginxError}, 15*time.Minute)
	if len(res.Summary.Proxy) != 1 || res.Summary.Proxy[0].Cause != cause.ProxyResourceExhausted || res.Summary.Proxy[0].Count != 2 {
		t.Fatalf("proxy entries: %+v", res.Summary.Proxy)
	}
	if len(res.Summary.Upstreams) != 0 {
		t.Errorf("upstreams: %+v", res.Summary.Upstreams)
	}
	fs := res.Findings()
	if len(fs) != 1 || fs[0].Upstream != "" || fs[0].Cause != "proxy_resource_exhausted" || fs[0].Severity != diagnose.Critical {
		t.Errorf("findings: %+v", fs)
	}
	if !res.Summary.HasCause(cause.ProxyResourceExhausted) || res.Summary.HasCause(cause.HeaderTooBig) {
		t.Error("HasCause")
	}
}

// Response times beyond maxSamples are sampled: memory stays bounded and
// the percentiles stay close to the exact ones.
func TestResponseTimeReservoir(t *testing.T) {
	tl := newTally()
	u := tl.upstream([]byte("127.0.0.1:5000"), "nginx")
	const n = 100000
	for i := range n {
		tl.responseTime(u, float64((i*7919)%n)/n) // 0 … 0.99999, shuffled
	}
	if len(u.samples) != maxSamples || u.seen != n {
		t.Fatalf("kept %d of %d samples", len(u.samples), u.seen)
	}
	ups, _ := tl.summary()
	for _, c := range []struct {
		got  time.Duration
		want float64
	}{{ups[0].P50, 0.50}, {ups[0].P90, 0.90}, {ups[0].P99, 0.99}} {
		if d := c.got.Seconds() - c.want; d < -0.01 || d > 0.01 {
			t.Errorf("percentile %v, want %v ± 0.01", c.got, c.want)
		}
	}
}

// The evidence kept is the newest by date, whatever order the lines came
// in; equal dates: the later line.
func TestEvidenceNewestByDate(t *testing.T) {
	var c causeTally
	for _, s := range []int{5, 1, 9, 3, 7, 7, 2} {
		c.note(testNow.Add(time.Duration(s)*time.Second), []byte(fmt.Sprintf("line %d #%d", s, c.count)))
	}
	if got := c.evidence(); !slices.Equal(got, []string{"line 9 #2", "line 7 #5", "line 7 #4"}) || c.count != 7 {
		t.Errorf("evidence %q", got)
	}
}

// Files read at the same time add up to what they hold, in any order.
func TestConcurrentFiles(t *testing.T) {
	dir := t.TempDir()
	var files []File
	for i := range 6 {
		var lines []string
		for j := range 500 {
			lines = append(lines, refusedLine(testNow.Add(-time.Duration(500-j)*time.Second), "127.0.0.1:5000"))
		}
		files = append(files, File{Path: writeLog(t, dir, fmt.Sprintf("error%d.log", i), lines), Format: NginxError})
	}
	res := Read(files, Options{Since: time.Hour, Now: testNow, Location: time.UTC, Concurrency: 3})
	if got := mustUpstream(t, &res.Summary, "127.0.0.1:5000").Count(cause.ConnectionRefused); got != 3000 || len(res.Logs) != 6 || res.Logs[5] != files[5].Path {
		t.Errorf("count %d, logs %v", got, res.Logs)
	}
}
