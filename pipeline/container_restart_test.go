package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/positions"
)

// criParts wraps line as containerd writes a long one: parts of at most
// size bytes, all P but the last.
func criParts(ts, stream, line string, size int) []string {
	var parts []string
	for len(line) > size {
		parts = append(parts, ts+stream+" P "+line[:size]+"\n")
		line = line[size:]
	}
	return append(parts, ts+stream+" F "+line+"\n")
}

// The exporter restarts after it read the P parts of a split line and
// before the runtime wrote its F part: the saved position is before the
// parts, so the restarted exporter joins them again with the F part, and
// the request is counted once, parsed whole.
func TestContainerLogRestartInsideSplitLine(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "state", "positions.json")
	logs := filepath.Join(dir, "containers")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	// marker sorts before ingress: a tail polls them in that order, so once
	// a line written to marker after ingress's parts is counted, the round
	// that reads ingress's parts is under way, and Close waits for it.
	marker, ingress := filepath.Join(logs, "0-marker.log"), filepath.Join(logs, "ingress.log")
	for _, f := range []string{marker, ingress} {
		if err := os.WriteFile(f, nil, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	// An ingress-nginx access line of 40 KiB (a long query string):
	// containerd splits it at 16 KiB.
	long := strings.Replace(ingressAccess, "GET /cart ", "GET /cart?q="+strings.Repeat("x", 40<<10)+" ", 1)
	parts := criParts("2026-11-20T03:14:22.000000001Z ", "stdout", long, 16<<10)
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	cfg := fmt.Sprintf("logs:\n  - path: %s/*.log\n    format: container\n    wrapper: cri\n    from_beginning: true\n", logs)
	start := func() *Pipeline {
		t.Helper()
		s, err := positions.Open(store)
		if err != nil {
			t.Fatal(err)
		}
		c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
		c.KeepPositions(s, time.Hour)
		if err := c.Apply(parse(t, cfg)); err != nil {
			t.Fatal(err)
		}
		return c
	}
	requests := func(c *Pipeline) prometheus.Collector {
		return c.m.Requests.WithLabelValues("nginx", "shop-web-80", "10.244.1.7:8080", "502")
	}

	c := start()
	appendTo(t, ingress, "2026-11-20T03:14:22.000000000Z stdout F "+ingressAccess+"\n"+parts[0]+parts[1])
	waitExact(t, "requests before the parts", requests(c), 1)
	appendTo(t, marker, "2026-11-20T03:14:22.000000002Z stderr F "+noticeLine+"\n")
	waitExact(t, "marker line", c.m.LogLines.WithLabelValues(marker, "ignored"), 1)
	c.Close() // saves the positions

	c = start()
	defer c.Close()
	appendTo(t, ingress, parts[2])
	waitAllRead(t, c, ingress)
	waitAllRead(t, c, marker)
	checkCounts(t, []countCheck{
		{"requests after the restart: the split line", requests(c), 1},
		{"classified after the restart", c.m.LogLines.WithLabelValues(ingress, "classified"), 1},
		{"unrecognized after the restart", c.m.LogLines.WithLabelValues(ingress, "unrecognized"), 0},
		{"marker counted again", c.m.LogLines.WithLabelValues(marker, "ignored"), 0},
	})
}

// A split line that never ends is cut at the limit: from then on its parts
// are no longer held, and the position moves past them.
func TestContainerLogEndlessPartsCommitted(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "c.log")
	if err := os.WriteFile(log, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf("logs:\n  - path: %s\n    format: container\n    wrapper: cri\n    from_beginning: true\n", log))); err != nil {
		t.Fatal(err)
	}
	parts := criParts("2026-11-20T03:14:22.000000001Z ", "stdout", strings.Repeat("y", 200<<10), 16<<10)
	appendTo(t, log, strings.Join(parts[:len(parts)-1], "")) // P parts only, 192 KiB
	waitAllRead(t, c, log)
}
