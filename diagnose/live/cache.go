package live

import (
	"sync"
	"sync/atomic"
	"time"
)

// cache computes a value at most once per interval: a caller within the
// interval of the last computation gets its value, and callers arriving
// while one computes wait for it and share its value.
type cache[T any] struct {
	interval time.Duration
	now      func() time.Time
	compute  func() T

	mu     sync.Mutex
	value  T
	at     time.Time // when the cached value's computation started
	valid  bool
	flight *flight[T]

	joined atomic.Int64 // callers that waited for another's computation (tests)
}

type flight[T any] struct {
	done  chan struct{}
	value T
	ok    bool // false when the computation panicked
}

// get returns the cached value, or computes it; ok is false when the
// computation that the caller waited for panicked.
func (c *cache[T]) get() (T, bool) {
	c.mu.Lock()
	if c.valid && c.now().Sub(c.at) < c.interval {
		v := c.value
		c.mu.Unlock()
		return v, true
	}
	if f := c.flight; f != nil {
		c.mu.Unlock()
		c.joined.Add(1)
		<-f.done
		return f.value, f.ok
	}
	f := &flight[T]{done: make(chan struct{})}
	c.flight = f
	start := c.now()
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		c.flight = nil
		if f.ok {
			c.value, c.at, c.valid = f.value, start, true
		}
		c.mu.Unlock()
		close(f.done) // also when compute panics: the waiters must not hang
	}()
	f.value = c.compute()
	f.ok = true
	return f.value, true
}
