package logwindow

import (
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// Each family's date is read where its programs write it; anything else is
// undated, never a guess.
func TestLineDates(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	cases := []struct {
		name string
		f    func([]byte) (time.Time, bool)
		line string
		want time.Time // zero: undated
	}{
		{"nginx", nginxErr, `2026/12/02 03:04:05 [error] 31#31: *1 connect() failed`, utc("2026-12-02T03:04:05Z")},
		{"nginx prefixed", nginxErr, `nginx-1 | 2026/12/02 03:04:05 [error] x`, utc("2026-12-02T03:04:05Z")},
		{"nginx stderr", nginxErr, `nginx: [emerg] host not found in upstream "app:3000"`, time.Time{}},
		{"nginx Feb 31", nginxErr, `2026/02/31 03:04:05 [error] x`, time.Time{}},
		{"nginx hour 25", nginxErr, `2026/12/02 25:04:05 [error] x`, time.Time{}},
		{"nginx cut", nginxErr, `2026/12/02 03:0`, time.Time{}},
		{"nginx binary", nginxErr, "\x00\xff2026/1\x002/02", time.Time{}},
		{"nginx local zone", func(b []byte) (time.Time, bool) { return nginxErrorTime(b, ny) }, `2026/12/02 03:04:05 [error] x`,
			time.Date(2026, 12, 2, 3, 4, 5, 0, ny)},
		{"rsyslog", hap, `Dec  2 03:04:05 web1 haproxy[12]: 127.0.0.1:4000 [02/Dec/2026:03:04:04.123] fe be/s1 0/0/-1/-1/0 503 212 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"`, utc("2026-12-02T03:04:05Z")},
		{"rsyslog last year", hap, `Dec 31 23:59:59 web1 haproxy[12]: x`, utc("2025-12-31T23:59:59Z")},
		{"rfc3164 pri", hap, `<134>Nov 30 03:04:05 haproxy[12]: x`, utc("2026-11-30T03:04:05Z")},
		{"rfc5424", hap, `<134>1 2026-12-02T03:04:05.250+01:00 web1 haproxy 12 - - x`, utc("2026-12-02T02:04:05.25Z")},
		{"rfc3339 stamp", hap, `2026-12-02T03:04:05.123456Z stdout F 127.0.0.1:4000 [02/Dec/2026:03:04:04.123] fe be/s1`, utc("2026-12-02T03:04:05.123456Z")},
		{"raw httplog", hap, `127.0.0.1:4000 [02/Dec/2026:03:04:04.123] fe be/s1 0/0/-1/-1/0 503 212 - - SC--`, utc("2026-12-02T03:04:04.123Z")},
		{"raw health", hap, `Server be_down/app1 is DOWN. 0 active and 0 backup servers left.`, time.Time{}},
		{"apache 2.4", apache, `[Wed Dec 02 03:04:05.123456 2026] [proxy:error] [pid 1:tid 2] (111)Connection refused: AH00957`, utc("2026-12-02T03:04:05.123456Z")},
		{"apache 2.2", apache, `[Wed Dec 02 03:04:05 2026] [error] proxy: HTTP: disabled connection for (app)`, utc("2026-12-02T03:04:05Z")},
		{"apache cu", apache, `[2026-12-02 03:04:05.123456] [proxy:error] x`, utc("2026-12-02T03:04:05.123456Z")},
		{"apache no year", apache, `[Wed Dec 02 03:04:05.123456] x`, time.Time{}},
		{"apache garbage", apache, "[\xff\xfe", time.Time{}},
	}
	for _, c := range cases {
		got, ok := c.f([]byte(c.line))
		if ok != !c.want.IsZero() || ok && !got.Equal(c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, got, ok, c.want)
		}
	}
}

func nginxErr(b []byte) (time.Time, bool) { return nginxErrorTime(b, time.UTC) }
func hap(b []byte) (time.Time, bool)      { return haproxyTime(b, testNow, time.UTC) }
func apache(b []byte) (time.Time, bool)   { return apacheTime(b, time.UTC) }

// Access-log dates: $time_local, $time_iso8601 and $msec.
func TestAccessDates(t *testing.T) {
	want := time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC)
	for format, line := range map[string]string{
		`[$time_local] $status`:   `[02/Dec/2026:04:04:05 +0100] 200`,
		`$time_iso8601 $status`:   `2026-12-02T03:04:05+00:00 200`,
		`$msec $status`:           `1796180645.000 200`,
		`$msec $time_local x`:     `1796180645.000 02/Dec/2026:09:09:09 +0000 x`,
		`[$time_local] "$status"`: `[02/Dec/2026:03:04:05 +0000] "200"`,
	} {
		h, err := newAccessHandler(&window{loc: time.UTC}, newTally(), compileAccess(t, format))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := h.date([]byte(line)); !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", format, got, ok, want)
		}
	}
}

// Reading dates allocates nothing: the per-line path stays at 0 allocs.
func TestDateAllocs(t *testing.T) {
	lines := [][]byte{
		[]byte(`2026/12/02 03:04:05 [error] 31#31: *1 connect() failed`),
		[]byte(`<134>1 2026-12-02T03:04:05.250+01:00 web1 haproxy 12 - - x`),
		[]byte(`[Wed Dec 02 03:04:05.123456 2026] [proxy:error] x`),
	}
	if n := testing.AllocsPerRun(100, func() {
		nginxErr(lines[0])
		hap(lines[1])
		apache(lines[2])
	}); n != 0 {
		t.Errorf("%v allocs per run", n)
	}
}

// Classifying a line of the window allocates nothing once the upstream and
// cause are known (the evidence ring reuses its buffers): the per-line hot
// path stays at 0 allocs/op, failures included.
func TestFeedAllocs(t *testing.T) {
	w := &window{from: testNow.Add(-time.Hour), now: testNow, until: testNow.Add(FutureSlack), loc: time.UTC}
	tl := newTally()
	errH, _ := w.newHandler(File{Format: NginxError}, tl)
	accH, err := w.newHandler(File{Format: NginxAccess, Access: compileAccess(t, testAccessFormat)}, tl)
	if err != nil {
		t.Fatal(err)
	}
	at := testNow.Add(-time.Minute)
	errLines := [][]byte{[]byte(refusedLine(at, "127.0.0.1:5000")), []byte(noticeLine(at)), []byte(readTimeoutLine(at, "127.0.0.1:6000"))}
	accLines := [][]byte{[]byte(accessLine(at, "502", "127.0.0.1:5000, 127.0.0.1:5001", "502, 200", "0.001, 0.200"))}
	run := func() {
		for _, l := range errLines {
			ts, ok := errH.date(l)
			errH.feed(l, w.classify(ts, ok), ts)
		}
		for _, l := range accLines {
			ts, ok := accH.date(l)
			accH.feed(l, w.classify(ts, ok), ts)
		}
	}
	for range EvidenceLines + 1 {
		run() // warm up: maps, rings, record buffers
	}
	tl.ups["127.0.0.1:5000"].samples = make([]float64, 0, 1<<12) // sample slices grow amortized; not per line
	tl.ups["127.0.0.1:5001"].samples = make([]float64, 0, 1<<12)
	if n := testing.AllocsPerRun(200, run); n != 0 {
		t.Errorf("%v allocs per run", n)
	}
	if got := tl.ups["127.0.0.1:5000"].causes[cause.ConnectionRefused].count; got < 200 {
		t.Errorf("counted %d refused, want every run", got)
	}
}
