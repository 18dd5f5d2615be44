package nginxaccess

import (
	"fmt"
	"testing"
)

// benchUpstreamTails are the upstream fields of fmtUpstream lines: mostly a
// single successful try, some retries, failures and internal redirects.
var benchUpstreamTails = []struct{ status, tail string }{
	{"200", `10.0.%d.15:8080 200 0.012 0.011`},
	{"200", `10.0.%d.15:8080 200 0.004 0.004`},
	{"304", `10.0.%d.15:8080 304 0.002 0.002`},
	{"200", `10.0.%d.15:8080 200 0.151 0.087`},
	{"404", `10.0.%d.15:8080 404 0.003 0.003`},
	{"200", `10.0.%d.15:8080 200 1.203 0.950`},
	{"200", `10.0.%d.15:8080, 10.0.9.16:8080 502, 200 0.001, 0.009 -, 0.008`},
	{"502", `10.0.%d.15:8080, 10.0.9.16:8080 502, 502 0.000, 0.001 -, -`},
	{"200", `10.0.%d.15:8080 : 10.0.9.17:8080 502 : 200 0.001 : 0.006 - : 0.005`},
	{"504", `10.0.%d.15:8080 504 60.001 -`},
}

// benchAccessLines are fmtUpstream lines with the variety of a production
// log: paths, referrers and browser user agents of realistic length.
func benchAccessLines() [][]byte {
	agents := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"curl/8.5.0",
		"Prometheus/2.51.0",
	}
	var lines [][]byte
	for i := 0; i < 100; i++ {
		u := benchUpstreamTails[i%len(benchUpstreamTails)]
		referer := "-"
		if i%3 == 0 {
			referer = fmt.Sprintf("https://shop.example.com/products/%d", i*7)
		}
		line := fmt.Sprintf(`203.0.113.%d - - [01/May/2024:10:00:%02d +0000] "GET /api/v2/products/%d/reviews?page=2&sort=recent HTTP/1.1" %s %d "%s" "%s" `,
			i, i%60, i*7, u.status, 1000+i*37, referer, agents[i%len(agents)]) + fmt.Sprintf(u.tail, i%4)
		lines = append(lines, []byte(line))
	}
	return lines
}

func benchmarkAccess(b *testing.B, format string, escape LogFormatEscape, lines [][]byte) {
	p, err := Compile(format, escape)
	if err != nil {
		b.Fatal(err)
	}
	var rec Record
	var size int64
	for _, l := range lines {
		if err := p.Parse(l, &rec); err != nil {
			b.Fatalf("%v\n%s", err, l)
		}
		size += int64(len(l)) + 1
	}
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = p.Parse(lines[i%len(lines)], &rec)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkAccessParser parses combined + $upstream_addr $upstream_status
// $upstream_response_time $upstream_header_time (fmtUpstream): the fields
// that count attempts, time them and tell generated 5xx apart exactly.
func BenchmarkAccessParser(b *testing.B) {
	benchmarkAccess(b, fmtUpstream, LogFormatEscapeDefault, benchAccessLines())
}

// BenchmarkAccessParserCombined parses plain combined lines.
func BenchmarkAccessParserCombined(b *testing.B) {
	lines := benchAccessLines()
	for i, l := range lines {
		p, _ := Compile(fmtUpstream, LogFormatEscapeDefault)
		var rec Record
		_ = p.Parse(l, &rec)
		lines[i] = l[:len(l)-len(rec.Field("upstream_addr"))-len(rec.Field("upstream_status"))-
			len(rec.Field("upstream_response_time"))-len(rec.Field("upstream_header_time"))-4]
	}
	benchmarkAccess(b, formatCombined, LogFormatEscapeDefault, lines)
}

// BenchmarkAccessParserJSON parses escape=json lines of fmtJSON.
func BenchmarkAccessParserJSON(b *testing.B) {
	var lines [][]byte
	for i := 0; i < 20; i++ {
		lines = append(lines, []byte(fmt.Sprintf(`{"host":"shop.example.com","req":"GET /api/v2/products/%d HTTP/1.1","status":%s,`+
			`"ua":"Mozilla/5.0 (X11; Linux x86_64) \"quoted\"","addr":"10.0.0.%d:8080, 10.0.9.16:8080","us":"502, %s",`+
			`"urt":"0.001, 0.012","uct":"-, 0.001"}`, i, []string{"200", "502"}[i%2], i, []string{"200", "502"}[i%2])))
	}
	benchmarkAccess(b, fmtJSON, LogFormatEscapeJSON, lines)
}

// Parsing allocates nothing once the record's slices have grown.
func TestAccessParseAllocs(t *testing.T) {
	lines := benchAccessLines()
	p, err := Compile(fmtUpstream, LogFormatEscapeDefault)
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	allocs := testing.AllocsPerRun(20, func() {
		for _, l := range lines {
			if err := p.Parse(l, &rec); err != nil {
				t.Fatal(err)
			}
			_ = rec.Field("http_user_agent")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocs per run of %d lines, want 0", allocs, len(lines))
	}
}
