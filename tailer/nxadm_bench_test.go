package tailer

// Baseline: github.com/nxadm/tail's TailFile configured as the design card
// proposed (Follow, ReOpen, CompleteLines, from the start), counting the
// same lines through the same harness (benchutil_test.go). It allocates a
// string and a *tail.Line per line, sends each over an unbuffered channel,
// reads through a 4 KiB bufio.Reader and calls lseek(2) twice per line
// (Tell). Compare with BenchmarkTailer.

import (
	"io"
	"testing"
	"time"

	"github.com/nxadm/tail"
)

func BenchmarkNxadmTailFile(b *testing.B) {
	benchModes(b, func(b *testing.B, path string, cost time.Duration, n int) (ready, done <-chan struct{}, stop func()) {
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
		opened, finished := make(chan struct{}), make(chan struct{})
		close(opened) // TailFile opens asynchronously, from offset 0
		go func() {
			defer close(finished)
			count := 0
			for line := range t.Lines {
				if line.Err != nil {
					b.Error(line.Err)
					return
				}
				spin(cost)
				if count++; count == n {
					return
				}
			}
		}()
		return opened, finished, func() {
			if err := t.Stop(); err != nil {
				b.Error(err)
			}
			t.Cleanup()
		}
	})
}
