package logwindow

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/badgateway/badgateway_exporter/cause"
)

// maxSamples bounds the response times kept per upstream (64 KiB; 64 MiB
// for MaxUpstreams); beyond it a uniform reservoir sample of them is kept,
// which puts a p99 within about ±0.2 percentile of the exact one.
const maxSamples = 1 << 13

// upstreamLabel is name as valid UTF-8 (runs of invalid bytes become
// U+FFFD), cut on a rune boundary to MaxUpstreamBytes.
func upstreamLabel(name []byte) string {
	s := strings.ToValidUTF8(string(name), "\uFFFD")
	if len(s) <= MaxUpstreamBytes {
		return s
	}
	cut := MaxUpstreamBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// upstreamTally accumulates one upstream.
type upstreamTally struct {
	name, proxy                     string
	causes                          map[cause.Cause]*causeTally
	requests, status5xx, gateway5xx int64
	lastRequest                     time.Time
	seen                            int64 // response times seen
	samples                         []float64
}

// tally accumulates everything dated in the window.
type tally struct {
	// mu is held by the handlers while they count one line: files are read
	// at the same time.
	mu    sync.Mutex
	ups   map[string]*upstreamTally
	proxy map[cause.Cause]*causeTally
	rng   *rand.Rand
}

func newTally() *tally {
	return &tally{ups: map[string]*upstreamTally{}, proxy: map[cause.Cause]*causeTally{}, rng: rand.New(rand.NewPCG(1, 2))}
}

// upstream returns the accumulator of a label; past MaxUpstreams labels new
// ones fold into OtherUpstream. A known label costs no allocation. Labels
// are made valid UTF-8 and cut to MaxUpstreamBytes, as the metrics do.
func (t *tally) upstream(name []byte, proxy string) *upstreamTally {
	if u, ok := t.ups[string(name)]; ok {
		return u
	}
	key := upstreamLabel(name)
	if u, ok := t.ups[key]; ok {
		return u
	}
	if len(t.ups) >= MaxUpstreams {
		key = OtherUpstream
		if u, ok := t.ups[key]; ok {
			return u
		}
	}
	u := &upstreamTally{name: key, proxy: proxy, causes: map[cause.Cause]*causeTally{}}
	t.ups[key] = u
	return u
}

// failure counts one failure of a cause at time ts.
func (t *tally) failure(c cause.Cause, upstream []byte, proxy string, ts time.Time, line []byte) {
	m := t.proxy
	if len(upstream) > 0 && c != cause.ProxyResourceExhausted && c != cause.ProxyInternalError {
		m = t.upstream(upstream, proxy).causes
	}
	ct, ok := m[c]
	if !ok {
		ct = &causeTally{}
		m[c] = ct
	}
	ct.note(ts, line)
}

// request counts one request whose last upstream is u, dated at, by the
// status the client got (0 or negative when none was sent).
func (u *upstreamTally) request(at time.Time, status int) {
	u.requests++
	if at.After(u.lastRequest) {
		u.lastRequest = at
	}
	if status >= 500 && status <= 599 {
		u.status5xx++
		if status >= 502 && status <= 504 {
			u.gateway5xx++
		}
	}
}

// responseTime keeps one response time, in seconds.
func (t *tally) responseTime(u *upstreamTally, seconds float64) {
	u.seen++
	if len(u.samples) < maxSamples {
		u.samples = append(u.samples, seconds)
		return
	}
	if k := t.rng.Int64N(u.seen); k < maxSamples {
		u.samples[k] = seconds
	}
}

// summary turns the accumulators into the exported form.
func (t *tally) summary() (ups []Upstream, proxy []CauseCount) {
	for _, u := range t.ups {
		out := Upstream{Name: u.name, Proxy: u.proxy, Causes: causeCounts(u.causes),
			Requests: u.requests, Status5xx: u.status5xx, Gateway5xx: u.gateway5xx, LastRequest: u.lastRequest, Samples: u.seen}
		if len(u.samples) > 0 {
			slices.Sort(u.samples)
			out.P50, out.P90, out.P99 = percentile(u.samples, 50), percentile(u.samples, 90), percentile(u.samples, 99)
		}
		ups = append(ups, out)
	}
	sort.Slice(ups, func(i, j int) bool { return ups[i].Name < ups[j].Name })
	return ups, causeCounts(t.proxy)
}

// percentile is the nearest-rank percentile p of sorted seconds.
func percentile(sorted []float64, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	rank = max(rank, 1)
	return time.Duration(sorted[rank-1] * float64(time.Second))
}

func causeCounts(m map[cause.Cause]*causeTally) []CauseCount {
	var out []CauseCount
	for c, ct := range m {
		out = append(out, CauseCount{Cause: c, Count: ct.count, First: ct.first, Last: ct.last, Evidence: ct.evidence()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return strings.Compare(out[i].Cause.String(), out[j].Cause.String()) < 0
	})
	return out
}
