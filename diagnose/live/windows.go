package live

import (
	"time"
)

// The windows of the "what is failing now" table and of the evidence.
var windows = [numWindows]time.Duration{5 * time.Minute, 15 * time.Minute, 60 * time.Minute}

const (
	w5 = iota
	w15
	w60
	numWindows
)

// group is what a finding or a table row is about: the proxy ("probe" for
// probe failures), the upstream and the cause (or the status, for
// requests).
type group struct {
	Proxy, Upstream, Label string
}

// tally is one group's increase in each window, with when it was first and
// last seen increasing, and the servers (virtual hosts) it was seen on.
type tally struct {
	N           [numWindows]float64
	First, Last time.Time
	Servers     map[string]bool
}

// tallies sums the increases of the series of one kind by group, in each
// window: series of several servers (or statuses) add up after their own
// resets were handled, never before.
func tallies(stats [numWindows]map[key]Stat, kind Kind, by func(Series) group) map[group]*tally {
	out := map[group]*tally{}
	for w, m := range stats {
		for k, st := range m {
			s := k.Value()
			if s.Kind != kind {
				continue
			}
			g := by(s)
			t := out[g]
			if t == nil {
				t = &tally{Servers: map[string]bool{}}
				out[g] = t
			}
			t.N[w] += st.Increase
			if s.Server != "" {
				t.Servers[s.Server] = true
			}
			if t.First.IsZero() || st.First.Before(t.First) {
				t.First = st.First
			}
			if st.Last.After(t.Last) {
				t.Last = st.Last
			}
		}
	}
	return out
}

// windowStats computes every window's increases from the ring and a
// sample taken now.
func windowStats(r *ring, now Sample) [numWindows]map[key]Stat {
	var out [numWindows]map[key]Stat
	for w, d := range windows {
		out[w] = increases(append(r.since(now.Time.Add(-d)), now))
	}
	return out
}

// byCause groups by proxy, upstream and cause (or status): servers add up.
func byCause(s Series) group { return group{Proxy: s.Proxy, Upstream: s.Upstream, Label: s.Label} }

func byProbeCause(s Series) group { return group{Proxy: "probe", Upstream: s.Upstream, Label: s.Label} }
