package apacheerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Each failed request counts once: the AH01106 after AH10124/AH10404 is
// ignored, a lone AH01106 counts, and a run of summaries without their
// first lines is not swallowed for long.
func TestHeaderFailuresCountOnce(t *testing.T) {
	const (
		tooBig  = `[Wed Dec 02 16:24:58.065457 2026] [proxy_http:warn] [pid 1:tid 2] (28)No space left on device: [client 127.0.0.1:54896] AH10124: header size is over the limit allowed by ResponseFieldSize (8192 bytes). Bad response header: 'X-Huge: aaaa'`
		invalid = `[Wed Dec 02 16:24:58.066389 2026] [proxy_http:warn] [pid 1:tid 3] (22)Invalid argument: [client 127.0.0.1:54910] AH10404: Error reading headers from backend`
		summary = `[Wed Dec 02 16:24:58.066436 2026] [proxy_http:warn] [pid 1:tid 3] [client 127.0.0.1:54910] AH01106: bad HTTP/1.1 header returned by /x (GET)`
	)
	var p Parser
	counts := map[cause.Cause]int{}
	emit := func(ev *logparse.Event) { counts[ev.Cause]++ }
	// two interleaved requests, then a lone summary
	for _, l := range []string{tooBig, invalid, summary, summary, summary} {
		p.Parse([]byte(l), emit)
	}
	if counts[cause.HeaderTooBig] != 1 || counts[cause.InvalidHeader] != 2 || len(counts) != 2 {
		t.Errorf("counts %v, want header_too_big 1, invalid_header 2 (one lone AH01106)", counts)
	}
	clear(counts)
	for range 100 {
		p.Parse([]byte(tooBig), nil) // first lines whose summaries never come
	}
	for range 20 {
		p.Parse([]byte(summary), emit)
	}
	if counts[cause.InvalidHeader] != 20-maxPendingStatusLines {
		t.Errorf("%d lone summaries counted after 100 unanswered first lines, want %d", counts[cause.InvalidHeader], 20-maxPendingStatusLines)
	}
}
