package nginxerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse/internal/parsertest"
)

// The benchmark lines and loop are shared with the HAProxy parser's tests.
var (
	benchFailureLines = parsertest.FailureLines
	benchOtherLines   = parsertest.OtherLines
	benchMix          = parsertest.Mix
	toBytes           = parsertest.ToBytes
)

// benchmarkLines benchmarks the nginx error-log parser.
func benchmarkLines(b *testing.B, lines [][]byte) {
	var p Parser
	parsertest.Benchmark(b, p.Parse, lines)
}

// BenchmarkNginxErrorParser parses a realistic mix of error-log lines.
func BenchmarkNginxErrorParser(b *testing.B) { benchmarkLines(b, benchMix()) }

// BenchmarkNginxErrorParserNonFailure parses only lines that are not upstream
// failures: the common case of a healthy site, 0 allocs/op.
func BenchmarkNginxErrorParserNonFailure(b *testing.B) { benchmarkLines(b, toBytes(benchOtherLines())) }

// BenchmarkNginxErrorParserFailure parses only upstream failures.
func BenchmarkNginxErrorParserFailure(b *testing.B) {
	benchmarkLines(b, toBytes(benchFailureLines()))
}

// Parsing allocates nothing, neither for ignored lines nor for failures:
// events point into the line.
func TestNginxParseAllocs(t *testing.T) {
	for name, lines := range map[string][][]byte{
		"non-failure": toBytes(benchOtherLines()),
		"failure":     toBytes(benchFailureLines()),
		"fastcgi":     toBytes(append(append([]string{}, phpFatalLines...), phpFatalLines[:2]...)),
	} {
		var p Parser
		allocs := testing.AllocsPerRun(50, func() {
			for _, l := range lines {
				p.Parse(l, parsertest.Discard)
			}
			p.Flush(parsertest.Discard)
		})
		if allocs != 0 {
			t.Errorf("%s lines: %v allocs per run, want 0", name, allocs)
		}
	}
}
