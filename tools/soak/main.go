// Command soak is a soak benchmark of badgateway_exporter, run by hand (it
// is not a CI test):
//
//	go run ./tools/soak [--duration=30m] [--rate=20000] [--rotate-every=1m] [--copytruncate-every=5m]
//
// It builds the exporter (or takes --exporter), starts it on loopback with
// an nginx error log, an nginx access log and a UDP syslog listener, writes
// a realistic mix of lines to the three at an exact average rate while
// rotating the files like logrotate (rename, and copytruncate), then waits
// until the exporter's counts stop changing and compares them, exactly, with
// what it wrote. It prints the lines/s achieved, every count expected and
// counted, and the exporter's RSS and CPU at the start, middle and end, and
// exits 1 if a count differs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the flags, runs the soak and prints its report: exit status 0
// when every count matches, 1 when one differs, 2 when the run failed.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "soak:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := soak(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "soak:", err)
		return 2
	}
	r.print(stdout)
	if r.mismatches() > 0 {
		return 1
	}
	if o.dir == "" {
		os.RemoveAll(r.dir) // kept when a count differs, to look at the logs
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := options{}
	fs.DurationVar(&o.duration, "duration", 30*time.Minute, "how long to write")
	fs.Float64Var(&o.rate, "rate", 20000, "lines per second, all sources together")
	mix := fs.String("mix", "30,50,20", "shares of the error log, access log and UDP syslog in the rate")
	fs.DurationVar(&o.rotateEvery, "rotate-every", time.Minute, "rename rotation interval (0: never)")
	fs.DurationVar(&o.copytruncateEvery, "copytruncate-every", 5*time.Minute, "copytruncate interval (0: never)")
	fs.StringVar(&o.rotateTarget, "rotate", "alternate", "which file each rotation applies to: alternate (error, access, error, …), error, access, both")
	fs.DurationVar(&o.reopenDelay, "reopen-delay", 200*time.Millisecond, "after a rename, keep writing to the old file this long (nginx before `nginx -s reopen`)")
	fs.IntVar(&o.keep, "keep", 3, "rotated files kept (file.1 … file.N)")
	fs.DurationVar(&o.tick, "tick", 10*time.Millisecond, "writers write one batch per tick")
	fs.StringVar(&o.exporterBin, "exporter", "", "prebuilt exporter binary (default: go build ./cmd/badgateway_exporter)")
	fs.StringVar(&o.dir, "dir", "", "work directory, kept afterwards (default: a temporary one, removed when every count matches)")
	fs.DurationVar(&o.settle, "settle", 8*time.Second, "after the writers stop, end when the counts have not changed for this long")
	fs.DurationVar(&o.maxWait, "max-wait", 2*time.Minute, "after the writers stop, wait at most this long for the counts")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.mix, err = parseMix(*mix); err != nil {
		return o, err
	}
	switch {
	case o.duration <= 0 || o.rate <= 0 || o.tick <= 0:
		return o, fmt.Errorf("--duration, --rate and --tick must be positive")
	case o.keep < 1:
		return o, fmt.Errorf("--keep must be at least 1")
	case o.rotateTarget != "alternate" && o.rotateTarget != "error" && o.rotateTarget != "access" && o.rotateTarget != "both":
		return o, fmt.Errorf("--rotate=%q: want alternate, error, access or both", o.rotateTarget)
	}
	o.progress = stderr
	return o, nil
}

// parseMix reads "E,A,S": three non-negative shares, not all zero.
func parseMix(s string) ([3]float64, error) {
	var mix [3]float64
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return mix, fmt.Errorf("--mix=%q: want three shares, error,access,syslog", s)
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 {
			return mix, fmt.Errorf("--mix=%q: %q is not a share", s, p)
		}
		mix[i] = v
	}
	if mix[0]+mix[1]+mix[2] == 0 {
		return mix, fmt.Errorf("--mix=%q: all shares are zero", s)
	}
	return mix, nil
}
