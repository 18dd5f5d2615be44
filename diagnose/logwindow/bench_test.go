package logwindow

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// benchSizeMB is the size of the larger generated logs: 200 MB by default;
// LOGWINDOW_BENCH_MB=1024 measures the 1 GB by hand, and
// LOGWINDOW_BENCH_SINCE=720h a window that holds all of it.
func benchSizeMB() int64 {
	if v, err := strconv.Atoi(os.Getenv("LOGWINDOW_BENCH_MB")); err == nil && v > 0 {
		return int64(v)
	}
	return 200
}

// benchRate is the logs' rate: 200 MB a day, so that the last 15 minutes
// hold about 2 MB whatever the size of the file.
const benchRate = float64(200<<20) / float64(24*time.Hour)

// writeBenchLog writes size bytes of lines at benchRate up to testNow, in
// the benchmark's temp dir: error-log lines (a mix of failures of 50
// upstreams and noise) or access-log lines.
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
	perLine := int64(len(line(testNow, 0))+len(line(testNow, 1))+2*len(line(testNow, 2)))/4 + 1
	n := size / perLine
	span := time.Duration(float64(size) / benchRate)
	start := testNow.Add(-span)
	step := span / time.Duration(n)
	for i := range n {
		fmt.Fprintln(w, line(start.Add(time.Duration(i)*step), int(i)))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil { // no writeback of the file during the measurements
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadWindow reads windows of 15m, 1h and 6h from the end of a
// 100 MB and a 200 MB error log and access log written at 200 MB a day,
// each alone and both in one Read (read at the same time): the cost follows
// the window, not the file size (read-MB/s: bytes read per second;
// file-MB/s: the files' size per second).
func BenchmarkReadWindow(b *testing.B) {
	access := compileAccess(b, testAccessFormat)
	for _, size := range []int64{100 << 20, benchSizeMB() << 20} {
		errorLog := File{Path: writeBenchLog(b, false, size), Format: NginxError} // in the parent's temp dir: kept for every window
		accessLog := File{Path: writeBenchLog(b, true, size), Format: NginxAccess, Access: access}
		for _, kind := range []struct {
			name  string
			files []File
		}{{"error", []File{errorLog}}, {"access", []File{accessLog}}, {"both", []File{errorLog, accessLog}}} {
			benchmarkWindows(b, kind.name, size, kind.files)
		}
	}
}

func benchmarkWindows(b *testing.B, kind string, size int64, files []File) {
	windows := []time.Duration{15 * time.Minute, time.Hour, 6 * time.Hour}
	if d, err := time.ParseDuration(os.Getenv("LOGWINDOW_BENCH_SINCE")); err == nil {
		windows = []time.Duration{d} // e.g. 720h: the whole file in the window, by hand
	}
	for _, since := range windows {
		b.Run(fmt.Sprintf("%s/%dMB/since=%s", kind, size>>20, FormatSince(since)), func(b *testing.B) {
			var res Result
			for b.Loop() {
				res = Read(files, Options{Since: since, Now: testNow, Location: time.UTC, NoRotated: true})
			}
			if len(res.Summary.Files) != len(files) {
				b.Fatalf("result: %+v", res)
			}
			var read, total, lines int64
			for _, st := range res.Summary.Files {
				if st.InWindow == 0 || st.ReachedStart && since < 24*time.Hour {
					b.Fatalf("stats: %+v", st)
				}
				read, total, lines = read+st.BytesRead, total+st.Size, lines+st.InWindow
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(read)/(1<<20)/secs, "read-MB/s")
			b.ReportMetric(float64(total)/(1<<20)/secs, "file-MB/s")
			b.ReportMetric(float64(lines), "lines/op")
		})
	}
}
