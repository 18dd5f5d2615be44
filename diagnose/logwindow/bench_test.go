package logwindow

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

// benchSizeMB is the size of the generated logs: 200 MB by default;
// LOGWINDOW_BENCH_MB=1024 measures the 1 GB by hand.
func benchSizeMB() int64 {
	if v, err := strconv.Atoi(os.Getenv("LOGWINDOW_BENCH_MB")); err == nil && v > 0 {
		return int64(v)
	}
	return 200
}

// writeBenchLog writes size bytes of lines spread evenly over the 24 hours
// before testNow, in the benchmark's temp dir: error-log lines (a mix of
// failures of 50 upstreams and noise) or access-log lines.
func writeBenchLog(b *testing.B, access bool, size int64) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	line := func(t time.Time, i int) string {
		up := fmt.Sprintf("10.0.%d.%d:8080", i%50/10, i%50)
		switch {
		case access:
			return accessLine(t, "200", up, "200", fmt.Sprintf("0.%03d", i%1000))
		case i%4 == 0:
			return refusedLine(t, up)
		case i%4 == 1:
			return readTimeoutLine(t, up)
		}
		return noticeLine(t)
	}
	perLine := int64(len(line(testNow, 0)) + 1)
	n := size / perLine
	start := testNow.Add(-24 * time.Hour)
	step := 24 * time.Hour / time.Duration(n)
	for i := range n {
		fmt.Fprintln(w, line(start.Add(time.Duration(i)*step), int(i)))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadWindow reads windows of 15m, 1h and 6h from the end of a
// 200 MB log covering 24 hours: the cost follows the window (MB/s of window
// read, "file-MB/s" of the whole file), not the file size.
func BenchmarkReadWindow(b *testing.B) {
	size := benchSizeMB() << 20
	for _, kind := range []string{"error", "access"} {
		path := writeBenchLog(b, kind == "access", size) // in the parent's temp dir: kept for every window
		var access *nginxaccess.Parser
		if kind == "access" {
			access = compileAccess(b, testAccessFormat)
		}
		for _, since := range []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour} {
			b.Run(fmt.Sprintf("%s/%dMB/since=%s", kind, size>>20, FormatSince(since)), func(b *testing.B) {
				f := File{Path: path, Format: NginxError}
				if access != nil {
					f = File{Path: path, Format: NginxAccess, Access: access}
				}
				var res Result
				for b.Loop() {
					res = Read([]File{f}, Options{Since: since, Now: testNow, Location: time.UTC, NoRotated: true})
				}
				if len(res.Summary.Files) != 1 {
					b.Fatalf("result: %+v", res)
				}
				st := res.Summary.Files[0]
				if st.InWindow == 0 || st.ReachedStart {
					b.Fatalf("stats: %+v", st)
				}
				secs := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(st.BytesRead)/(1<<20)/secs, "read-MB/s")
				b.ReportMetric(float64(st.Size)/(1<<20)/secs, "file-MB/s")
				b.ReportMetric(float64(st.InWindow), "lines/op")
			})
		}
	}
}
