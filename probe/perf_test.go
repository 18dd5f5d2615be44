package probe

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The performance check of the issue: 1,000 targets (local listeners)
// probed every 15 s must cost under 5% of one core and 50 MiB RSS. The
// listeners run in a child process, so that only the prober is measured.
// It takes about 30 s: set BADGATEWAY_PROBE_PERF=1 to run it, and
// BADGATEWAY_PROBE_PERF_MODULE=tcp to measure connects instead of HTTP GETs.
//
//	BADGATEWAY_PROBE_PERF=1 go test -count=1 -run TestProbePerformance -v ./probe/

const (
	perfEnv       = "BADGATEWAY_PROBE_PERF"
	perfServerEnv = "BADGATEWAY_PROBE_PERF_SERVER" // child: serve N listeners
	perfTargets   = 1000
	perfInterval  = 15 * time.Second
)

func init() {
	if n, err := strconv.Atoi(os.Getenv(perfServerEnv)); err == nil {
		os.Exit(perfServer(n))
	}
}

// perfServer listens on n loopback ports with a tiny HTTP handler, prints
// the addresses, and serves until its stdin closes.
func perfServer(n int) int {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	}), ReadHeaderTimeout: 5 * time.Second}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		go func() { _ = srv.Serve(l) }()
		fmt.Fprintln(out, l.Addr())
	}
	fmt.Fprintln(out, "ready")
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
	return 0
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(t *testing.T) (user, sys time.Duration) {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// rssKiB reads VmRSS and VmHWM (peak) from /proc/self/status.
func rssKiB(t *testing.T) (rss, peak int) {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatalf("memory use: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss, _ = strconv.Atoi(f[1])
		}
		if len(f) >= 2 && f[0] == "VmHWM:" {
			peak, _ = strconv.Atoi(f[1])
		}
	}
	return rss, peak
}

func TestProbePerformance(t *testing.T) {
	if os.Getenv(perfEnv) != "1" {
		t.Skipf("takes about 30 s: set %s=1 to run it", perfEnv)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command(self, "-test.run=^$")
	child.Env = append(os.Environ(), fmt.Sprintf("%s=%d", perfServerEnv, perfTargets))
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = child.Wait() })
	var targets []Target
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "ready" {
		targets = append(targets, Target{Address: sc.Text(), Module: Module(perfModule()), HTTP: HTTPOptions{Path: "/health"}})
	}
	if len(targets) != perfTargets {
		t.Fatalf("%d listeners", len(targets))
	}

	s := newScheduler(t, Options{Interval: perfInterval, Timeout: 5 * time.Second})
	s.SetTargets(targets)
	s.Start()
	// The first run of each target falls within the first interval.
	waitForAll := func() bool {
		d := s.statusData()
		return d.Failing == 0 && len(d.Rows) == perfTargets && !d.Rows[0].Pending && !anyPending(d.Rows)
	}
	for i := 0; i < 200 && !waitForAll(); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if !waitForAll() {
		t.Fatalf("not every target passed: %d failing", s.statusData().Failing)
	}
	user0, sys0 := cpuTime(t)
	wall0 := time.Now()
	time.Sleep(perfInterval) // one full interval: every target probed once more
	user1, sys1 := cpuTime(t)
	user, sys, wall := user1-user0, sys1-sys0, time.Since(wall0)
	cpu := user + sys
	rss, peak := rssKiB(t)
	scrape0 := time.Now()
	for i := 0; i < 10; i++ {
		gather(t, s)
	}
	scrape := time.Since(scrape0) / 10
	share := float64(cpu) / float64(wall) * 100
	t.Logf("%d %s targets every %v: CPU %v (user %v, system %v) in %v = %.2f%% of one core; RSS %.1f MiB (peak %.1f MiB); a scrape takes %v",
		perfTargets, perfModule(), perfInterval, cpu.Round(time.Millisecond), user.Round(time.Millisecond), sys.Round(time.Millisecond),
		wall.Round(time.Millisecond), share, float64(rss)/1024, float64(peak)/1024, scrape.Round(time.Microsecond))
	if share >= 5 {
		t.Errorf("CPU %.2f%% of one core, want under 5%%", share)
	}
	if rss >= 50*1024 {
		t.Errorf("RSS %.1f MiB, want under 50 MiB", float64(rss)/1024)
	}
}

func anyPending(rows []statusRow) bool {
	for _, r := range rows {
		if r.Pending {
			return true
		}
	}
	return false
}

// perfModule is the module measured: http, or $BADGATEWAY_PROBE_PERF_MODULE.
func perfModule() string {
	if m := os.Getenv("BADGATEWAY_PROBE_PERF_MODULE"); m != "" {
		return m
	}
	return "http"
}
