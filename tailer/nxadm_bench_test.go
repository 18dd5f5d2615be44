package tailer

// Baseline: github.com/nxadm/tail's TailFile, configured as the design card
// proposed (Follow, ReOpen, CompleteLines, from the start), counting the
// 1,000,000 lines appended in one write. It delivers one *tail.Line (a new
// string + struct) per line over an unbuffered channel and calls lseek(2)
// twice per line (Tell), which is what BenchmarkTailer is measured against.

import (
	"io"
	"testing"
	"time"

	"github.com/nxadm/tail"
)

func BenchmarkNxadmTailFile(b *testing.B) {
	for _, cc := range classifierCases {
		b.Run(cc.name, func(b *testing.B) { benchNxadm(b, cc.cost) })
	}
}

func benchNxadm(b *testing.B, cost time.Duration) {
	b.ReportAllocs()
	var elapsed time.Duration
	var peak float64
	for b.Loop() {
		b.StopTimer()
		path := newBenchFile(b)
		w := startWriter(b, path, benchLines)
		t, err := tail.TailFile(path, tail.Config{
			Follow:        true,
			ReOpen:        true,
			CompleteLines: true,
			Location:      &tail.SeekInfo{Offset: 0, Whence: io.SeekStart},
			Logger:        tail.DiscardingLogger,
		})
		if err != nil {
			b.Fatal(err)
		}
		resetPeakRSS()
		b.StartTimer()

		t0 := time.Now()
		w.fire(b)
		n := 0
		for line := range t.Lines {
			if line.Err != nil {
				b.Fatal(line.Err)
			}
			spin(cost)
			if n++; n == benchLines {
				break
			}
		}
		elapsed += time.Since(t0)

		b.StopTimer()
		peak = max(peak, peakRSSMiB())
		w.wait(b)
		removeBenchFile(b, path)
		if err := t.Stop(); err != nil {
			b.Fatal(err)
		}
		t.Cleanup()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchLines)/elapsed.Seconds(), "lines/s")
	b.ReportMetric(peak, "peak-RSS-MiB")
}
