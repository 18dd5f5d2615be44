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
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/positions"
)

const accessCfg = "logs:\n  - path: %s\n    format: nginx_access\n    log_format: '$remote_addr \"$request\" $status $upstream_addr'\n    server: %s\n"

// Reloads that change an access log's settings while nginx writes: every
// line is counted once, under the settings in force when it was read.
func TestApplyChangedLogLosesNothing(t *testing.T) {
	log := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf(accessCfg, log, "s0"))); err != nil {
		t.Fatal(err)
	}
	const batches, perBatch = 50, 100
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		batch := strings.Repeat(`10.0.0.1 "GET / HTTP/1.1" 200 10.0.0.9:80`+"\n", perBatch)
		for range batches {
			if _, err := f.WriteString(batch); err != nil {
				done <- err
				return
			}
			time.Sleep(time.Millisecond) // pace the writer so reloads land between batches
		}
		done <- nil
	}()
	reloads := 0
	for writing := true; writing; reloads++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		if err := c.Apply(parse(t, fmt.Sprintf(accessCfg, log, fmt.Sprintf("s%d", reloads%2)))); err != nil {
			t.Fatal(err)
		}
	}
	waitAllRead(t, c, log)
	if got := testutil.ToFloat64(c.m.LogLines.WithLabelValues(log, "classified")); got != batches*perBatch {
		t.Errorf("%v lines counted for %d written across %d reloads", got, batches*perBatch, reloads)
	}
	s0 := testutil.ToFloat64(c.m.Requests.WithLabelValues("nginx", "s0", "10.0.0.9:80", "200"))
	s1 := testutil.ToFloat64(c.m.Requests.WithLabelValues("nginx", "s1", "10.0.0.9:80", "200"))
	if s0+s1 != batches*perBatch || (reloads > 2 && (s0 == 0 || s1 == 0)) {
		t.Errorf("requests s0=%v s1=%v, want %d in all, under both labels", s0, s1, batches*perBatch)
	}
}

// A collector that stops (saving positions) and a new one started with the
// same positions file: lines written in between are counted, the ones
// counted before are not.
func TestPositionsResumeAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	log, store := filepath.Join(dir, "error.log"), filepath.Join(dir, "state", "positions.json")
	conn := 0
	refused := func(n int) string { // n lines, each from another connection, as nginx writes them
		var b strings.Builder
		for range n {
			conn++
			fmt.Fprintf(&b, `2026/11/20 03:14:22 [error] 31#31: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: s, request: "GET / HTTP/1.1", upstream: "http://10.9.9.9:80/", host: "s"`+"\n", conn)
		}
		return b.String()
	}
	if err := os.WriteFile(log, []byte(refused(1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("logs:\n  - path: %s\n    from_beginning: true\n", log)
	run := func(want float64, appendBefore string) {
		t.Helper()
		if appendBefore != "" {
			appendTo(t, log, appendBefore)
		}
		s, err := positions.Open(store)
		if err != nil {
			t.Fatal(err)
		}
		c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
		c.KeepPositions(s, time.Hour)
		if err := c.Apply(parse(t, cfg)); err != nil {
			t.Fatal(err)
		}
		waitAllRead(t, c, log)
		if got := testutil.ToFloat64(c.m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.9.9.9:80", "s")); got != want {
			t.Errorf("counted %v, want %v", got, want)
		}
		c.Close()
	}
	run(1, "")                                  // from_beginning: the line already there
	run(2, refused(2))                          // only the two written while stopped
	run(0, "")                                  // nothing new: nothing counted again
	if err := os.Truncate(log, 0); err != nil { // copytruncate while stopped
		t.Fatal(err)
	}
	run(3, refused(3)) // as much written again: the bytes before the old offset differ
}
