package main

import (
	"testing"
	"time"
)

// Late, irregular ticks and a long pause still give exactly rate × duration
// lines, and nothing after the end.
func TestPacerIsExactWhateverTheTicks(t *testing.T) {
	start := time.Unix(1000, 0)
	p := &pacer{start: start, duration: 10 * time.Second, rate: 2003}
	total := 0
	for _, at := range []time.Duration{-time.Second, 0, 7 * time.Millisecond, 13 * time.Millisecond, 3 * time.Second, 3 * time.Second, 9999 * time.Millisecond, 12 * time.Second, 20 * time.Second} {
		n := p.due(start.Add(at))
		if n < 0 {
			t.Fatalf("due(%v) = %d", at, n)
		}
		total += n
	}
	if total != 20030 {
		t.Errorf("lines = %d, want 20030", total)
	}
	if !p.finished(start.Add(10*time.Second)) || p.finished(start.Add(9*time.Second)) {
		t.Error("finished at the wrong time")
	}
}

// A fractional rate rounds down over the whole run, not per tick.
func TestPacerFractionalRate(t *testing.T) {
	start := time.Unix(0, 0)
	p := &pacer{start: start, duration: time.Second, rate: 0.5 * 1000}
	total := 0
	for ms := 0; ms <= 1000; ms += 3 {
		total += p.due(start.Add(time.Duration(ms) * time.Millisecond))
	}
	total += p.due(start.Add(time.Second))
	if total != 500 {
		t.Errorf("lines = %d, want 500", total)
	}
}
