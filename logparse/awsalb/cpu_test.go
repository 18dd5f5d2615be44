package awsalb

import (
	"syscall"
	"testing"
	"time"
)

// cpuLinesPerSecond reports lines per second of CPU time used by the
// process (user+system): on a shared, loaded machine wall-clock ns/op
// counts the time other processes ran; this is the per-core rate.
func cpuLinesPerSecond(b *testing.B, start syscall.Rusage) {
	var end syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &end); err != nil {
		b.Fatal(err)
	}
	used := tv(end.Utime) - tv(start.Utime) + tv(end.Stime) - tv(start.Stime)
	if used > 0 {
		b.ReportMetric(float64(b.N)/used.Seconds(), "lines/cpu-s")
	}
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

func rusage(b *testing.B) syscall.Rusage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru
}
