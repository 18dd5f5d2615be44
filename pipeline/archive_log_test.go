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

// Classic Load Balancer logs are plain .log files; TCP listener lines count
// as requests without a status, never as failures.
func TestAWSClassicPlainLogFiles(t *testing.T) {
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	c := New(reg, slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf("logs:\n  - path: %s\n    format: aws_elb\n", filepath.Join(dir, "*.log")))); err != nil {
		t.Fatal(err)
	}
	lines := "" +
		"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -\n" +
		"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 305 \"- - - \" \"-\" - -\n" +
		"2015-05-13T23:39:44.000000Z my-loadbalancer 192.168.131.39:2818 - -1 -1 -1 503 - 0 0 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -\n"
	syncFile(t, filepath.Join(dir, "123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log"), []byte(lines))
	waitCounted(t, reg, 3)
	for status, want := range map[string]float64{"200": 1, "": 1, "503": 1} {
		if got := sumSeries(t, reg, "badgateway_requests_total", map[string]string{"proxy": "aws_elb", "server": "my-loadbalancer", "status": status}); got != want {
			t.Errorf("requests with status %q: %v, want %v", status, got, want)
		}
	}
	if got := sumSeries(t, reg, "badgateway_upstream_errors_total", map[string]string{"proxy": "aws_elb", "cause": "no_live_upstreams"}); got != 1 {
		t.Errorf("no_live_upstreams %v, want 1", got)
	}
	if got := sumSeries(t, reg, "badgateway_upstream_errors_total", nil); got != 1 {
		t.Errorf("upstream errors %v, want only the 503", got)
	}
}
