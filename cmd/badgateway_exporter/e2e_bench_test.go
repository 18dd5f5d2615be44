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

// cycleLines builds n lines from the lines of file that keep() accepts,
// cycled, with the first "127.0.0.1:" or ":8080" port varied over 50 values
// so that the upstream label takes 50 values.
func cycleLines(tb testing.TB, file string, n int, keep func(string) bool) []byte {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	var templates []string
	for _, l := range strings.Split(string(data), "\n") {
		if keep(l) {
			templates = append(templates, l)
		}
	}
	out := make([]byte, 0, n*260)
	for i := 0; i < n; i++ {
		l := templates[i%len(templates)]
		port := strconv.Itoa(8000 + i%50)
		if strings.Contains(l, ":8080") {
			l = strings.Replace(l, ":8080", ":"+port, 1)
		} else if j := strings.Index(l, "127.0.0.1:"); j >= 0 {
			k := j + len("127.0.0.1:")
			e := k
			for e < len(l) && l[e] >= '0' && l[e] <= '9' {
				e++
			}
			l = l[:k] + port + l[e:]
		}
		out = append(out, l...)
		out = append(out, '\n')
	}
	return out
}

// BenchmarkExporterEndToEnd: the running exporter binary follows a file to
// which 1,000,000 realistic lines are appended in one write; the clock
// starts before the write and stops when /metrics has counted every line.
// Reports lines/s and the exporter's peak RSS (VmHWM).
func BenchmarkExporterEndToEnd(b *testing.B) {
	const n = 1_000_000
	b.Run("nginx_error", func(b *testing.B) {
		payload := cycleLines(b, "../../examples/logs/error.log", n, func(l string) bool {
			return strings.HasPrefix(l, "2026/") && !strings.Contains(l, "FastCGI")
		})
		benchEndToEnd(b, "logs:\n  - path: %s\n", payload, n)
	})
	b.Run("nginx_access", func(b *testing.B) {
		payload := cycleLines(b, "../../logparse/nginxaccess/testdata/access-nginx-1.22.log", n, func(l string) bool {
			return strings.HasPrefix(l, "127.0.0.1 ")
		})
		format := `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"` +
			` $server_name $request_time $upstream_addr $upstream_status $upstream_response_time $upstream_header_time $upstream_connect_time`
		benchEndToEnd(b, "logs:\n  - path: %s\n    format: nginx_access\n    log_format: '"+format+"'\n", payload, n)
	})
}

func benchEndToEnd(b *testing.B, cfgFormat string, payload []byte, n int) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		log := filepath.Join(b.TempDir(), "test.log")
		if err := os.WriteFile(log, nil, 0o644); err != nil {
			b.Fatal(err)
		}
		exp := exportertest.Start(b, fmt.Sprintf(cfgFormat, log), "--log.level=warn")
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
		var counted, unrecognized float64
		for counted < float64(n) {
			time.Sleep(5 * time.Millisecond)
			fams, _, err := exp.Scrape()
			if err != nil {
				b.Fatal(err)
			}
			counted = exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "classified"}) +
				exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "ignored"})
			unrecognized = exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"})
			counted += unrecognized
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("counted %v of %d lines after 2 minutes", counted, n)
			}
		}
		elapsed := time.Since(start)
		b.StopTimer() // started again by the next iteration
		if counted != float64(n) || unrecognized != 0 {
			b.Fatalf("counted %v lines (%v unrecognized), want %d recognized", counted, unrecognized, n)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "lines/s")
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
