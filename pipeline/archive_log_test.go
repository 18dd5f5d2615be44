package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/positions"
)

// A directory that aws s3 sync fills: a file there at start, one that
// arrives while running, one written in two halves; then a restart that
// must not count anything again.
func TestAWSArchiveDirectory(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(t.TempDir(), "positions.json")
	cfg := fmt.Sprintf("logs:\n  - path: %s\n    format: aws_alb\n    from_beginning: true\n", filepath.Join(dir, "*.log.gz"))

	p1, d1 := albFile(t, dir, "20240501T1000Z", 100)
	syncFile(t, p1, d1)
	reg := prometheus.NewRegistry()
	c := New(reg, slog.New(slog.DiscardHandler))
	st, err := positions.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	c.KeepPositions(st, time.Hour)
	if err := c.Apply(parse(t, cfg)); err != nil {
		t.Fatal(err)
	}
	perRound := float64(len(albMix))
	waitCounted(t, reg, 100*perRound)

	p2, d2 := albFile(t, dir, "20240501T1005Z", 50)
	syncFile(t, p2, d2)
	p3, d3 := albFile(t, dir, "20240501T1010Z", 400)
	if err := os.WriteFile(p3, d3[:len(d3)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first half of the partial file", func() bool {
		return sumSeries(t, reg, "badgateway_log_lines_total", nil) > 150*perRound
	})
	appendTo(t, p3, string(d3[len(d3)/2:]))
	waitCounted(t, reg, 550*perRound)
	checkALBCounts(t, reg, 550)
	if got := sumSeries(t, reg, "badgateway_log_lines_total", map[string]string{"path": filepath.Join(dir, "*.log.gz"), "result": "classified"}); got != 4*550 {
		t.Errorf("classified lines %v, want %v", got, 4*550)
	}
	c.Close()

	// Restart: nothing is read again; a new file is.
	reg2 := prometheus.NewRegistry()
	c2 := New(reg2, slog.New(slog.DiscardHandler))
	defer c2.Close()
	st2, err := positions.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	c2.KeepPositions(st2, time.Hour)
	if err := c2.Apply(parse(t, cfg)); err != nil {
		t.Fatal(err)
	}
	p4, d4 := albFile(t, dir, "20240501T1015Z", 3)
	syncFile(t, p4, d4)
	waitCounted(t, reg2, 3*perRound)
	checkALBCounts(t, reg2, 3)
}

// The claims of an archive log's files are released when the files go:
// they do not grow with every file ever read.
func TestAWSArchiveReleasesClaimsOfDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	c := New(reg, slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf("logs:\n  - path: %s\n    format: aws_alb\n", filepath.Join(dir, "*.log.gz")))); err != nil {
		t.Fatal(err)
	}
	p, d := albFile(t, dir, "20240501T1000Z", 1)
	syncFile(t, p, d)
	waitCounted(t, reg, float64(len(albMix)))
	claimed := func() bool {
		c.claims.mu.Lock()
		defer c.claims.mu.Unlock()
		_, ok := c.claims.owners[p]
		return ok
	}
	if !claimed() {
		t.Fatal("the file read is not claimed")
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the claim released", func() bool { return !claimed() })
}
