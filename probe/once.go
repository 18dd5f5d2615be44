package probe

import (
	"context"
	"sync"
	"time"
)

// Once probes each target once, at most o.Concurrency targets at a time,
// each bounded by o.Timeout, and returns the results of ts[i] at index i
// (one Result per address probed, as the Scheduler keeps them). It is what
// a one-shot check (the diagnose command) runs instead of a Scheduler.
// Cancelling ctx ends the probes still running with failed results.
func Once(ctx context.Context, ts []Target, o Options) ([][]Result, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Interval <= o.Timeout {
		o.Interval = 2 * o.Timeout // unused: only to satisfy the Scheduler's check
	}
	s, err := New(o)
	if err != nil {
		return nil, err
	}
	defer s.cancel()
	out := make([][]Result, len(ts))
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	for i, t := range ts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			out[i] = []Result{{Upstream: t.label(""), Address: t.Address, Start: time.Now(), Err: ctx.Err().Error()}}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = s.probeTarget(ctx, t, o.Timeout)
		}()
	}
	wg.Wait()
	return out, nil
}
