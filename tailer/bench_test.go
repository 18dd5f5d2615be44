package tailer

// The exporter's throughput requirement measured through the real driver
// (FollowGroup: goroutine, fsnotify wake-up, batched pread, one handler call per
// line); see benchutil_test.go for the modes. Compare with
// BenchmarkNxadmTailFile.

import (
	"log/slog"
	"testing"
	"time"
)

// countingHandler counts lines, spending cost on each, and closes done at want.
type countingHandler struct {
	cost   time.Duration
	n      int
	want   int
	opened chan struct{}
	done   chan struct{}
}

func (h *countingHandler) Line([]byte) {
	spin(h.cost)
	if h.n++; h.n == h.want {
		close(h.done)
	}
}

func (h *countingHandler) Event(ev Event) {
	if ev.Kind == Opened {
		close(h.opened)
	}
}

func BenchmarkTailer(b *testing.B) {
	benchModes(b, func(b *testing.B, path string, cost time.Duration, n int) (ready, done <-chan struct{}, stop func()) {
		h := &countingHandler{cost: cost, want: n, opened: make(chan struct{}), done: make(chan struct{})}
		t, err := FollowGroup(GroupOptions{
			Options: Options{FromBeginning: true, Logger: slog.New(slog.DiscardHandler)},
			Globs:   []string{path},
		}, func(string) Handler { return h })
		if err != nil {
			b.Fatal(err)
		}
		return h.opened, h.done, func() {
			if err := t.Stop(); err != nil {
				b.Error(err)
			}
		}
	})
}
