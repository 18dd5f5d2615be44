package tailer

// The throughput harness shared by BenchmarkTailer (bench_test.go) and
// BenchmarkNxadmTailFile (nxadm_bench_test.go). The 1,000,000 lines are
// written by a child process (this test binary re-executed) in ONE write(2),
// so that its 250 MB buffer does not count towards the peak RSS measured.
//
// Modes:
//   - write=one: the tailer follows an empty file, then the child appends
//     everything in one write; timed from the write to the last line
//     counted (end to end, the exporter's requirement). The write itself
//     is included; its duration is reported as write-ms (in this VM it
//     varies from 0.1 to 0.8 s with how fast the host backs fresh pages).
//   - write=before: the file is complete before the tailer starts (from
//     the beginning); timed from the start of the tailer to the last line:
//     the tailer's own capacity.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	benchLines   = 1_000_000
	writerEnv    = "TAILER_TEST_WRITER" // "path,lines" in the child process
	classifierNS = 200                  // simulated downstream cost per line
)

// errorLogLine appends a realistic ~250-byte nginx error-log line, varied by i.
func errorLogLine(dst []byte, i int) []byte {
	return fmt.Appendf(dst, "2025/11/21 10:%02d:%02d [error] %d#%d: *%d upstream timed out "+
		"(110: Connection timed out) while reading response header from upstream, "+
		"client: 10.%d.%d.%d, server: api.example.com, request: \"GET /v1/items/%d HTTP/1.1\", "+
		"upstream: \"http://10.0.0.%d:8080/v1/items/%d\", host: \"api.example.com\"\n",
		i/60%60, i%60, 1000+i%8, i%8, i, i%250, i/250%250, i%7, i, i%32, i)
}

// TestWriterHelper is not a test: in the child process started by
// startWriter it builds the lines, says "ready", waits for one byte on stdin,
// appends everything with a single write and prints how long that took.
func TestWriterHelper(t *testing.T) {
	spec := os.Getenv(writerEnv)
	if spec == "" {
		t.Skip("helper process only")
	}
	path, nstr, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(nstr)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, n*260)
	for i := range n {
		buf = errorLogLine(buf, i)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	if _, err := os.Stdin.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if _, err := f.Write(buf); err != nil { // one write(2) below 2 GiB
		t.Fatal(err)
	}
	fmt.Println("wrote", time.Since(t0).Nanoseconds())
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writer is a child process holding n lines ready to be appended to path.
type writer struct {
	cmd   *exec.Cmd
	start io.WriteCloser
	took  chan time.Duration
}

// startWriter starts the child and waits until it has built its buffer.
func startWriter(b *testing.B, path string, n int) *writer {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d", writerEnv, path, n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "ready" {
	}
	w := &writer{cmd: cmd, start: stdin, took: make(chan time.Duration, 1)}
	go func() {
		var took time.Duration
		for sc.Scan() { // also drains "PASS" so the child never blocks
			if v, ok := strings.CutPrefix(sc.Text(), "wrote "); ok {
				ns, _ := strconv.ParseInt(v, 10, 64)
				took = time.Duration(ns)
			}
		}
		w.took <- took
	}()
	return w
}

// fire makes the child perform its single write.
func (w *writer) fire(b *testing.B) {
	if _, err := w.start.Write([]byte{1}); err != nil {
		b.Fatal(err)
	}
}

// wait waits for the child to exit and returns how long its write took.
func (w *writer) wait(b *testing.B) time.Duration {
	took := <-w.took
	if err := w.cmd.Wait(); err != nil {
		b.Fatalf("writer: %v", err)
	}
	return took
}

// newBenchFile creates an empty log file in a fresh temp dir, under
// $TAILER_BENCH_DIR if set (e.g. /dev/shm, to take the disk out of the
// measurement). Dirty pages of earlier iterations are flushed first, so
// that writeback throttling does not carry over to the next big write.
func newBenchFile(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	if d := os.Getenv("TAILER_BENCH_DIR"); d != "" {
		var err error
		if dir, err = os.MkdirTemp(d, "tailer-bench-"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
	}
	syscall.Sync()
	path := filepath.Join(dir, "error.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// tailUnderTest starts following path from its beginning, spending cost
// per line; ready is closed once it follows the file, done once n lines
// were counted; stop releases everything.
type tailUnderTest func(b *testing.B, path string, cost time.Duration, n int) (ready, done <-chan struct{}, stop func())

// benchModes runs start in both modes, with and without classifier cost.
func benchModes(b *testing.B, start tailUnderTest) {
	for _, before := range []bool{false, true} {
		for _, cost := range []time.Duration{0, classifierNS * time.Nanosecond} {
			name := fmt.Sprintf("write=one/classifier=%v", cost)
			if before {
				name = fmt.Sprintf("write=before/classifier=%v", cost)
			}
			b.Run(name, func(b *testing.B) { benchThroughput(b, before, cost, start) })
		}
	}
}

func benchThroughput(b *testing.B, before bool, cost time.Duration, start tailUnderTest) {
	b.ReportAllocs()
	var elapsed, wrote time.Duration
	var peak float64
	for b.Loop() {
		b.StopTimer()
		path := newBenchFile(b)
		w := startWriter(b, path, benchLines)
		var ready, done <-chan struct{}
		var stop func()
		if before {
			w.fire(b)
			wrote += w.wait(b)
		} else {
			ready, done, stop = start(b, path, cost, benchLines)
			<-ready
		}
		runtime.GC()
		resetPeakRSS()
		b.StartTimer()

		t0 := time.Now()
		if before {
			ready, done, stop = start(b, path, cost, benchLines)
		} else {
			w.fire(b)
		}
		<-done
		elapsed += time.Since(t0)

		b.StopTimer()
		peak = max(peak, peakRSSMiB())
		stop()
		if !before {
			wrote += w.wait(b)
		}
		if err := os.Remove(path); err != nil { // drop its pages now
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchLines)/elapsed.Seconds(), "lines/s")
	b.ReportMetric(peak, "peak-RSS-MiB")
	b.ReportMetric(float64(wrote.Milliseconds())/float64(b.N), "write-ms")
}

// resetPeakRSS resets VmHWM to the current RSS (Linux >= 4.0), so that the
// peak measured afterwards belongs to the code under test.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSMiB returns VmHWM from /proc/self/status, or 0 if unavailable.
func peakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(v)), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// spin burns about d of CPU, standing in for the downstream classifier.
func spin(d time.Duration) {
	if d <= 0 {
		return
	}
	start := time.Now()
	for time.Since(start) < d {
	}
}
