// Command diagperf measures `badgateway_exporter diagnose` on a host with
// many upstreams and large logs (issue 12's performance goal: 50 upstreams
// and 1 GB of logs in under 10 s). It starts 50 upstreams on loopback
// (refused, never answering, healthy), writes nginx error and access logs
// of the given size spread over hours into a temporary directory, with an
// nginx.conf that names them, runs the real command once on them and
// prints its wall time and peak RSS. The logs are deleted at the end.
//
//	go run ./tools/diagperf [-size 1GiB] [-hours 12] [-bin PATH]
//
// It asserts no time: the numbers are for the README and the report.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

func main() {
	size := flag.Int64("size", 1<<30, "bytes of logs to write (error + access)")
	hours := flag.Float64("hours", 12, "hours the logs span, ending now")
	since := flag.Duration("since", 15*time.Minute, "diagnose --since")
	timeout := flag.Duration("timeout", 3*time.Second, "diagnose --timeout")
	bin := flag.String("bin", "", "badgateway_exporter binary; default: go build ./cmd/badgateway_exporter")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	flag.Parse()
	if err := run(*size, time.Duration(*hours*float64(time.Hour)), *since, *timeout, *bin, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "diagperf:", err)
		os.Exit(1)
	}
}

func run(size int64, span, since, timeout time.Duration, bin string, keep bool) error {
	dir, err := os.MkdirTemp("", "diagperf")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	if bin == "" {
		bin = filepath.Join(dir, "badgateway_exporter")
		build := exec.Command("go", "build", "-o", bin, "./cmd/badgateway_exporter")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build (run from the repository's root): %w", err)
		}
	}
	ups, err := startUpstreams()
	if err != nil {
		return err
	}
	defer ups.close()
	now := time.Now()
	start := time.Now()
	stats, err := writeLogs(dir, ups, size, now.Add(-span), now)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s of logs (%d error lines, %d access lines) over %v in %v; %d lines in the last %v\n",
		human(stats.bytes), stats.errorLines, stats.accessLines, span, time.Since(start).Round(time.Millisecond), stats.inWindow, since)
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(nginxConf(dir, ups)), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(bin, "diagnose", "--nginx.config="+conf, "--nginx.binary=/nonexistent",
		"--since="+since.String(), "--timeout="+timeout.String(), "--output=json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start = time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return fmt.Errorf("diagnose did not run: %w", err)
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		return fmt.Errorf("diagnose exited %d: %s", code, stderr.String())
	}
	var r diagnose.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		return fmt.Errorf("decoding the report: %w", err)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	counts := map[string]int{}
	for _, f := range r.Findings {
		counts[f.Severity.String()]++
	}
	fmt.Printf("diagnose: %d upstreams (%d refused, %d never answering, %d healthy), %d log files: wall %v, peak RSS %s, user %v, sys %v\n",
		len(r.Checked.Upstreams), len(ups.refused), len(ups.silent), len(ups.healthy), len(r.Checked.Logs),
		wall.Round(10*time.Millisecond), human(rss), cmd.ProcessState.UserTime().Round(10*time.Millisecond), cmd.ProcessState.SystemTime().Round(10*time.Millisecond))
	fmt.Printf("findings: %d critical, %d warning, %d info; exit %d\n", counts["critical"], counts["warning"], counts["info"], cmd.ProcessState.ExitCode())
	if len(r.Checked.Upstreams) != 50 {
		return fmt.Errorf("%d upstreams checked, want 50", len(r.Checked.Upstreams))
	}
	return nil
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
