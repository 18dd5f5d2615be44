package main

import "time"

// pacer spreads rate lines per second evenly over a duration: at any time
// it allows floor(rate × elapsed) lines in all, so the lines written after
// the last tick are exactly floor(rate × duration) however late the ticks
// come (a paused writer catches up on its next tick).
type pacer struct {
	start    time.Time
	duration time.Duration
	rate     float64
	sent     uint64
}

// due returns how many lines to write now and records them as sent.
func (p *pacer) due(now time.Time) int {
	elapsed := min(max(now.Sub(p.start), 0), p.duration)
	target := uint64(p.rate * elapsed.Seconds())
	if target <= p.sent {
		return 0
	}
	n := target - p.sent
	p.sent = target
	return int(n)
}

// finished reports whether the duration is over (and due wrote its last
// lines).
func (p *pacer) finished(now time.Time) bool { return now.Sub(p.start) >= p.duration }
