package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
)

// BenchmarkExporterEndToEndAWS: the running exporter reads a directory of
// ALB access logs; a 1,000,000-line .log.gz (the cited real ALB lines,
// cycled, targets over 50 ports) is renamed into it as `aws s3 sync` does.
// The clock starts at the rename and stops when /metrics has counted every
// line. Reports lines/s (through gzip) and the exporter's peak RSS.
func BenchmarkExporterEndToEndAWS(b *testing.B) {
	const n = 1_000_000
	alb, _ := awsRealLinesTB(b)
	var raw bytes.Buffer
	for i := range n {
		l := alb[i%len(alb)]
		l = strings.Replace(l, ":80 ", ":"+strconv.Itoa(8000+i%50)+" ", 1)
		raw.WriteString(l)
		raw.WriteByte('\n')
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	b.Logf("%d lines, %d MiB, %d MiB gzipped", n, raw.Len()>>20, gz.Len()>>20)
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		tmp := filepath.Join(b.TempDir(), "incoming")
		if err := os.WriteFile(tmp, gz.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		exp := exportertest.Start(b, fmt.Sprintf("logs:\n  - path: %s\n    format: aws_alb\n", filepath.Join(dir, "*.log.gz")), "--log.level=warn")
		b.StartTimer()
		start := time.Now()
		final := filepath.Join(dir, "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_20240501T1000Z_172.160.001.192_20sg8hgm.log.gz")
		if err := os.Rename(tmp, final); err != nil {
			b.Fatal(err)
		}
		var counted, unrecognized float64
		for counted < n {
			time.Sleep(5 * time.Millisecond)
			fams, _, err := exp.Scrape()
			if err != nil {
				b.Fatal(err)
			}
			unrecognized = exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "unrecognized"})
			counted = exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "classified"}) +
				exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "ignored"}) + unrecognized
			if time.Since(start) > 3*time.Minute {
				b.Fatalf("counted %v of %d lines after 3 minutes", counted, n)
			}
		}
		elapsed := time.Since(start)
		b.StopTimer()
		if counted != n || unrecognized != 0 {
			b.Fatalf("counted %v lines (%v unrecognized), want %d recognized", counted, unrecognized, n)
		}
		b.ReportMetric(n/elapsed.Seconds(), "lines/s")
		b.ReportMetric(peakRSSMiB(b, exp.PID()), "peak-RSS-MiB")
		exp.Stop()
	}
}

func awsRealLinesTB(tb testing.TB) (alb, elb []string) {
	data, err := os.ReadFile("../../logparse/awsalb/testdata/real.txt")
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case l[0] >= '0' && l[0] <= '9':
			elb = append(elb, l)
		default:
			alb = append(alb, l)
		}
	}
	return alb, elb
}
