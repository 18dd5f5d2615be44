package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

// realisticErrorLines builds n error-log lines: the non-multi-line records of
// examples/logs/error.log, cycled, with varying connection ids, clients and
// one of 50 upstream ports.
func realisticErrorLines(tb testing.TB, n int) ([]byte, int) {
	tb.Helper()
	data, err := os.ReadFile("../../examples/logs/error.log")
	if err != nil {
		tb.Fatal(err)
	}
	var templates []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "2026/") && !strings.Contains(l, "FastCGI") {
			templates = append(templates, l)
		}
	}
	out := make([]byte, 0, n*260)
	failures := 0
	for i := 0; i < n; i++ {
		l := templates[i%len(templates)]
		l = strings.Replace(l, ":8080", ":"+strconv.Itoa(8000+i%50), 1)
		l = strings.Replace(l, "*1", "*"+strconv.Itoa(100000+i), 1)
		out = append(out, l...)
		out = append(out, '\n')
	}
	return out, failures
}

// BenchmarkExporterEndToEnd: the running exporter binary follows a file to
// which 1,000,000 realistic error-log lines are appended in one write; the
// clock stops when /metrics has counted every one of them. Reports lines/s
// and the exporter's peak RSS (VmHWM).
func BenchmarkExporterEndToEnd(b *testing.B) {
	const n = 1_000_000
	payload, _ := realisticErrorLines(b, n)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		log := filepath.Join(b.TempDir(), "error.log")
		if err := os.WriteFile(log, nil, 0o644); err != nil {
			b.Fatal(err)
		}
		exp := exportertest.Start(b, fmt.Sprintf("logs:\n  - path: %s\n", log), "--log.level=warn")
		f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := f.Write(payload); err != nil { // one write(2)
			b.Fatal(err)
		}
		f.Close()
		wrote := time.Since(start)
		var counted float64
		for counted < n {
			time.Sleep(5 * time.Millisecond)
			fams, _, err := exp.Scrape()
			if err != nil {
				b.Fatal(err)
			}
			counted = exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "classified"}) +
				exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "ignored"}) +
				exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"})
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("counted %v of %d lines after 2 minutes", counted, n)
			}
		}
		elapsed := time.Since(start)
		b.StopTimer() // started again by the next iteration
		if counted != n {
			b.Fatalf("counted %v lines, want %d", counted, n)
		}
		b.ReportMetric(n/elapsed.Seconds(), "lines/s")
		b.ReportMetric(wrote.Seconds(), "write-s")
		b.ReportMetric(peakRSSMiB(b, exp.PID()), "peak-RSS-MiB")
		exp.Stop()
	}
}

// peakRSSMiB reads VmHWM of a process.
func peakRSSMiB(tb testing.TB, pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				tb.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	tb.Fatal("no VmHWM")
	return 0
}
