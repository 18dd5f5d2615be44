package live

import (
	"math"
	"testing"
	"time"
	"unique"
)

var t0 = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)

func errSeries(upstream, server string) key {
	return unique.Make(Series{Kind: KindError, Proxy: "nginx", Server: server, Upstream: upstream, Label: "connection_refused"})
}

func sampleAt(min int, vals map[key]float64) Sample {
	return Sample{Time: t0.Add(time.Duration(min) * time.Minute), Values: vals}
}

func TestRingKeepsTheNewestInOrder(t *testing.T) {
	r := newRing(3)
	for i := range 5 {
		r.add(sampleAt(i, nil))
	}
	got := r.since(time.Time{})
	if len(got) != 3 || !got[0].Time.Equal(t0.Add(2*time.Minute)) || !got[2].Time.Equal(t0.Add(4*time.Minute)) {
		t.Fatalf("ring holds %v", got)
	}
	if !r.oldest().Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("oldest %v", r.oldest())
	}
	if s := r.since(t0.Add(3 * time.Minute)); len(s) != 2 {
		t.Fatalf("since 3m: %d samples", len(s))
	}
	if !newRing(0).oldest().IsZero() {
		t.Fatal("empty ring has an oldest sample")
	}
}

func TestIncreasesHandleResetsExpiryAndNewSeries(t *testing.T) {
	a, b, c := errSeries("a:1", ""), errSeries("b:1", ""), errSeries("c:1", "")
	samples := []Sample{
		sampleAt(0, map[key]float64{a: 10, b: 5}),
		sampleAt(1, map[key]float64{a: 14, b: 5}),         // a +4
		sampleAt(2, map[key]float64{a: 3, c: 2}),          // a reset: +3; b expired: nothing; c new: +2
		sampleAt(3, map[key]float64{a: 3, b: 1, c: 2}),    // b back from zero: +1
		sampleAt(4, map[key]float64{a: 9, b: 1, c: 2}),    // a +6
		sampleAt(5, map[key]float64{a: 9, b: 1, c: 1}),    // c reset to 1: +1 (after it, not a negative count)
		sampleAt(6, map[key]float64{a: math.NaN(), b: 1}), // NaN counts nothing
	}
	got := increases(samples)
	want := map[key]float64{a: 4 + 3 + 6, b: 1, c: 2 + 1}
	for k, w := range want {
		if got[k].Increase != w {
			t.Errorf("%v: increase %v, want %v", k.Value().Upstream, got[k].Increase, w)
		}
	}
	if st := got[a]; !st.First.Equal(t0.Add(time.Minute)) || !st.Last.Equal(t0.Add(4*time.Minute)) {
		t.Errorf("a seen %v .. %v", st.First, st.Last)
	}
	if len(increases(samples[:1])) != 0 || len(increases(nil)) != 0 {
		t.Error("one sample has no increase")
	}
}

// A series missing from a truncated sample may have existed: its next
// value is a baseline, not an increase (no double count when it comes and
// goes under the cap).
func TestIncreasesAfterATruncatedSampleCountNothingUnseen(t *testing.T) {
	a := errSeries("a:1", "")
	prev := sampleAt(0, map[key]float64{})
	prev.Truncated = true
	got := increases([]Sample{prev, sampleAt(1, map[key]float64{a: 500}), sampleAt(2, map[key]float64{a: 501})})
	if got[a].Increase != 1 {
		t.Fatalf("increase %v, want 1", got[a].Increase)
	}
}

// Windows sum exactly the increases of the samples inside them, and
// servers add up after each one's own reset.
func TestWindowSumsAreExact(t *testing.T) {
	x, y := errSeries("10.0.0.1:80", "shop"), errSeries("10.0.0.1:80", "api")
	r := newRing(DefaultKeep)
	// One sample a minute for 70 minutes: x grows by 1 a minute, y by 2,
	// and y is reset (expired and back) at minute 65.
	for m := 0; m <= 70; m++ {
		yv := float64(2 * m)
		if m >= 65 {
			yv = float64(2 * (m - 64))
		}
		r.add(sampleAt(m, map[key]float64{x: float64(m), y: yv}))
	}
	now := sampleAt(70, map[key]float64{x: 70, y: 12})
	now.Time = now.Time.Add(30 * time.Second)
	stats := windowStats(r, now)
	// 5 min: samples at 66..70 (at or after 65:30): 4 steps; x 4, y 8.
	// 15 min: 56..70: 14 steps; x 14, y 2*14 (the reset at 65 counts 2, as a step does).
	// 60 min: 11..70 (at or after 10:30): 59 steps, the first increase seen at 12.
	for w, want := range [numWindows]float64{4 + 8, 14 + 28, 59 + 118} {
		sum := stats[w][x].Increase + stats[w][y].Increase
		if sum != want {
			t.Errorf("window %v: %v, want %v", windows[w], sum, want)
		}
	}
	g := tallies(stats, KindError, byCause)[group{"nginx", "10.0.0.1:80", "connection_refused"}]
	if g == nil || g.N != [numWindows]float64{12, 42, 177} || len(g.Servers) != 2 {
		t.Fatalf("tally %+v", g)
	}
	if !g.First.Equal(t0.Add(12*time.Minute)) || !g.Last.Equal(t0.Add(70*time.Minute)) {
		t.Errorf("tally seen %v .. %v", g.First, g.Last)
	}
}
