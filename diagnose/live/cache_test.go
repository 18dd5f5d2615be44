package live

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitUntil polls cond with a generous deadline.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// N callers at once, while the first computes, share its one computation.
func TestCacheConcurrentCallersShareOneComputation(t *testing.T) {
	const n = 16
	var computed atomic.Int64
	release := make(chan struct{})
	clk := &fakeClock{t: t0}
	c := &cache[int]{interval: 10 * time.Second, now: clk.now, compute: func() int {
		<-release
		return int(computed.Add(1))
	}}
	results := make(chan int, n)
	for range n {
		go func() { v, _ := c.get(); results <- v }()
	}
	// Every caller but the computing one is waiting for it.
	waitUntil(t, "the callers to join the computation", func() bool { return c.joined.Load() == n-1 })
	close(release)
	for range n {
		if v := <-results; v != 1 {
			t.Errorf("a caller got computation %d", v)
		}
	}
	if got := computed.Load(); got != 1 {
		t.Fatalf("%d computations for %d concurrent callers, want 1", got, n)
	}
}

func TestCacheRecomputesOnlyAfterTheInterval(t *testing.T) {
	var computed atomic.Int64
	clk := &fakeClock{t: t0}
	c := &cache[int64]{interval: 10 * time.Second, now: clk.now, compute: func() int64 { return computed.Add(1) }}
	for _, step := range []struct {
		advance time.Duration
		want    int64
	}{{0, 1}, {time.Second, 1}, {8 * time.Second, 1}, {time.Second, 2}, {9 * time.Second, 2}, {time.Hour, 3}} {
		clk.add(step.advance)
		if v, ok := c.get(); !ok || v != step.want {
			t.Fatalf("after +%v: computation %d (ok %v), want %d", step.advance, v, ok, step.want)
		}
	}
	if computed.Load() != 3 {
		t.Fatalf("%d computations", computed.Load())
	}
}

// A computation that panics does not leave its waiters hanging, and the
// next caller computes again.
func TestCachePanicReleasesWaiters(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	clk := &fakeClock{t: t0}
	c := &cache[int]{interval: time.Minute, now: clk.now, compute: func() int {
		if calls.Add(1) == 1 {
			<-release
			panic("boom")
		}
		return 7
	}}
	done := make(chan bool)
	go func() {
		defer func() { _ = recover() }()
		c.get()
	}()
	waitUntil(t, "the first computation", func() bool { return calls.Load() == 1 })
	go func() { _, ok := c.get(); done <- ok }()
	waitUntil(t, "the waiter", func() bool { return c.joined.Load() == 1 })
	close(release)
	select {
	case ok := <-done:
		if ok {
			t.Fatal("the waiter of a panicked computation got ok")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiter hangs after the computation panicked")
	}
	if v, ok := c.get(); !ok || v != 7 {
		t.Fatalf("next get: %d %v", v, ok)
	}
}
