package haproxy

import "github.com/badgateway/badgateway_exporter/logparse/internal/parsertest"

// nginx error-log lines, the same as nginxerror's benchmarks use: lines
// LooksLike must turn down.
var (
	nginxFailureLines = parsertest.FailureLines
	nginxOtherLines   = parsertest.OtherLines
	nginxBenchMix     = parsertest.Mix
	toBytes           = parsertest.ToBytes
)

const shopTail = parsertest.ShopTail
