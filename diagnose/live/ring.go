package live

import "time"

// DefaultKeep and DefaultSampleEvery give the ring one hour of history:
// 61 samples a minute apart.
const (
	DefaultKeep        = 61
	DefaultSampleEvery = time.Minute
)

// ring keeps the last samples, oldest first; a full ring drops its oldest.
type ring struct {
	samples []Sample
	start   int // index of the oldest
	n       int
}

func newRing(size int) *ring { return &ring{samples: make([]Sample, max(size, 2))} }

func (r *ring) add(s Sample) {
	i := (r.start + r.n) % len(r.samples)
	r.samples[i] = s
	if r.n < len(r.samples) {
		r.n++
	} else {
		r.start = (r.start + 1) % len(r.samples)
	}
}

// since returns the samples taken at or after t, oldest first.
func (r *ring) since(t time.Time) []Sample {
	var out []Sample
	for i := range r.n {
		s := r.samples[(r.start+i)%len(r.samples)]
		if !s.Time.Before(t) {
			out = append(out, s)
		}
	}
	return out
}

// oldest returns the time of the oldest sample, zero when empty.
func (r *ring) oldest() time.Time {
	if r.n == 0 {
		return time.Time{}
	}
	return r.samples[r.start].Time
}

// Stat is what one series did over a window.
type Stat struct {
	Increase float64
	// First and Last are the times of the samples in which an increase
	// was first and last seen (it happened since the sample before).
	First, Last time.Time
}

// increases adds up, per series, how much each counter grew between
// consecutive samples (oldest first; the first is the baseline).
//
// A counter only grows, so a value below the previous one is a reset
// (the exporter restarted counting it: a label value expired and came
// back), and the new value is what it counted since. A series missing
// from the previous sample is new and counted from zero, unless that
// sample was truncated (it may have existed, unseen): then its first
// value is taken as the baseline, never counted. A series missing now
// counts nothing. So no reset or expiry makes a negative or double count.
func increases(samples []Sample) map[key]Stat {
	out := map[key]Stat{}
	for i := 1; i < len(samples); i++ {
		prev, cur := samples[i-1], samples[i]
		for k, v := range cur.Values {
			before, seen := prev.Values[k]
			var inc float64
			switch {
			case seen && v >= before:
				inc = v - before
			case seen: // reset
				inc = v
			case !prev.Truncated: // a new series, counted from zero
				inc = v
			}
			if !(inc > 0) { // also NaN
				continue
			}
			st := out[k]
			st.Increase += inc
			if st.First.IsZero() {
				st.First = cur.Time
			}
			st.Last = cur.Time
			out[k] = st
		}
	}
	return out
}
