package haproxy

import (
	"fmt"
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse/internal/parsertest"
)

// benchHTTPLogLines are default `option httplog` lines of a busy site: mostly
// successes, some of every server-side failure.
func benchHTTPLogLines(frame func(string) string) [][]byte {
	type kind struct {
		beSrv, timers string
		status        int
		ts            string
	}
	kinds := []kind{
		{"be_shop/web%d", "0/0/1/23/24", 200, "----"}, {"be_shop/web%d", "0/0/0/8/8", 200, "----"},
		{"be_api/api%d", "0/0/1/112/113", 200, "----"}, {"be_api/api%d", "0/0/0/41/41", 304, "----"},
		{"be_shop/web%d", "0/0/0/5/5", 404, "----"}, {"be_api/api%d", "0/0/-1/-1/3003", 503, "SC--"},
		{"be_api/api%d", "0/0/0/-1/4", 502, "SH--"}, {"be_api/api%d", "0/0/1/-1/30001", 504, "sH--"},
		{"be_shop/<NOSRV>", "0/-1/-1/-1/0", 503, "SC--"}, {"be_shop/web%d", "0/0/1/17/30017", 200, "CD--"},
	}
	var lines [][]byte
	for i := 0; i < 100; i++ {
		k := kinds[i%len(kinds)]
		beSrv := k.beSrv
		if k.beSrv[len(k.beSrv)-1] == 'd' {
			beSrv = fmt.Sprintf(k.beSrv, i%4)
		}
		msg := fmt.Sprintf(`203.0.113.%d:%d [21/Nov/2024:10:00:%02d.%03d] fe_https~ %s %s %d %d - - %s 312/310/42/9/0 0/0 "GET /api/v2/products/%d/reviews?page=2 HTTP/1.1"`,
			i, 40000+i, i%60, i, beSrv, k.timers, k.status, 1000+i*7, k.ts, i*7)
		lines = append(lines, []byte(frame(msg)))
	}
	return lines
}

// benchHAProxyMix adds check messages, JSON, custom formats and other lines.
func benchHAProxyMix() [][]byte {
	lines := benchHTTPLogLines(func(m string) string { return "Nov 21 10:00:00 lb1 haproxy[1234]: " + m })
	for _, set := range [][]hapCase{hapCheckCases, hapStateCases, hapJSONCases, hapFormatCases, hapOtherCases} {
		for i, tc := range set {
			if i%3 == 0 {
				lines = append(lines, []byte(tc.line))
			}
		}
	}
	return lines
}

func benchmarkHAProxy(b *testing.B, lines [][]byte) {
	var p Parser
	parsertest.Benchmark(b, p.Parse, lines)
}

// BenchmarkHAProxyParser parses default httplog lines, as written by
// `log stdout format raw` and as rsyslog files them, and a mix of everything.
func BenchmarkHAProxyParser(b *testing.B) {
	b.Run("httplog-raw", func(b *testing.B) {
		benchmarkHAProxy(b, benchHTTPLogLines(func(m string) string { return m }))
	})
	b.Run("httplog-rsyslog", func(b *testing.B) {
		benchmarkHAProxy(b, benchHTTPLogLines(func(m string) string { return "Nov 21 10:00:00 lb1 haproxy[1234]: " + m }))
	})
	b.Run("mix", func(b *testing.B) { benchmarkHAProxy(b, benchHAProxyMix()) })
}

// BenchmarkLooksLikeHAProxy is the per-line cost of `classify --proxy=auto`
// on HAProxy lines and on nginx lines it must turn down.
func BenchmarkLooksLikeHAProxy(b *testing.B) {
	lines := append(benchHAProxyMix(), nginxBenchMix()...)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		LooksLike(lines[i%len(lines)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// Parsing allocates nothing: events point into the line (or, for JSON lines
// that write backend and server apart, into a buffer the parser reuses).
func TestHAProxyParseAllocs(t *testing.T) {
	lines := append(benchHAProxyMix(), toBytes(hapSeedLines(t))...)
	var p Parser
	allocs := testing.AllocsPerRun(20, func() {
		for _, l := range lines {
			p.Parse(l, parsertest.Discard)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocs per run, want 0", allocs)
	}
	allocs = testing.AllocsPerRun(20, func() {
		for _, l := range lines {
			LooksLike(l)
		}
	})
	if allocs != 0 {
		t.Errorf("LooksLike: %v allocs per run, want 0", allocs)
	}
}
