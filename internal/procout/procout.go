// Package procout collects the output of a process a test runs (nginx,
// HAProxy, Prometheus …) while the test reads it, up to a bound.
package procout

import "sync"

// DefaultMax is the bound of a Buffer whose Max is zero.
const DefaultMax = 1 << 20

// Buffer is a goroutine-safe io.Writer that keeps the first Max bytes
// written and drops the rest, still reporting them written.
type Buffer struct {
	Max int

	mu  sync.Mutex
	buf []byte
}

// Write appends what fits.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	limit := b.Max
	if limit <= 0 {
		limit = DefaultMax
	}
	if room := limit - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// String returns what was kept.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
