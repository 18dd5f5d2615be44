package tailer

// Shared pieces of the throughput benchmarks (bench_test.go and
// nxadm_bench_test.go). The 1,000,000 lines are written by a child process
// (this test binary re-executed) in ONE write(2), so that the 250 MB write
// buffer does not count towards the peak RSS of the process being measured.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	dst = fmt.Appendf(dst, "2025/11/21 10:%02d:%02d [error] %d#%d: *%d upstream timed out "+
		"(110: Connection timed out) while reading response header from upstream, "+
		"client: 10.%d.%d.%d, server: api.example.com, request: \"GET /v1/items/%d HTTP/1.1\", "+
		"upstream: \"http://10.0.0.%d:8080/v1/items/%d\", host: \"api.example.com\"\n",
		i/60%60, i%60, 1000+i%8, i%8, i, i%250, i/250%250, i%7, i, i%32, i)
	return dst
}

// TestWriterHelper is not a test: in the child process started by
// startWriter it builds the lines, says "ready", waits for one byte on stdin
// and appends everything with a single write.
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
	if _, err := f.Write(buf); err != nil { // one write(2) for < 2 GiB
		t.Fatal(err)
	}
	if os.Getenv("TAILER_TEST_WRITER_TIME") != "" {
		fmt.Fprintln(os.Stderr, "write took", time.Since(t0))
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writer is a child process holding n lines ready to be appended to path.
type writer struct {
	cmd   *exec.Cmd
	start io.WriteCloser
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
	go func() { // drain "PASS" etc. so the child never blocks on stdout
		for sc.Scan() {
		}
	}()
	return &writer{cmd: cmd, start: stdin}
}

// fire makes the child perform its single write.
func (w *writer) fire(b *testing.B) {
	if _, err := w.start.Write([]byte{1}); err != nil {
		b.Fatal(err)
	}
}

func (w *writer) wait(b *testing.B) {
	if err := w.cmd.Wait(); err != nil {
		b.Fatalf("writer: %v", err)
	}
}

// newBenchFile creates an empty log file in a fresh temp dir, under
// $TAILER_BENCH_DIR if set (e.g. /dev/shm, to take the disk out of the
// measurement). Dirty pages of earlier iterations are flushed first, so
// that writeback throttling of the one big write does not carry over.
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

// removeBenchFile deletes the 250 MB file at once, so that its dirty pages
// do not throttle the writes of the following iterations.
func removeBenchFile(b *testing.B, path string) {
	if err := os.Remove(path); err != nil {
		b.Fatal(err)
	}
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
			kb, _ := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))))
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

// classifierCases are the sub-benchmarks: pure tailing, and tailing with
// the ~200 ns/line the classifier costs.
var classifierCases = []struct {
	name string
	cost time.Duration
}{
	{"classifier=0", 0},
	{"classifier=200ns", classifierNS * time.Nanosecond},
}
