package logwindow

import (
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// Summary is what the logs say over the window.
type Summary struct {
	Since    time.Duration
	From, To time.Time      // the window: lines dated in [From, To+FutureSlack] count
	Location *time.Location // zone of the dates without one, and of the findings' times
	// Upstreams by label, as the metrics label them ("127.0.0.1:5000",
	// "unix:/run/app.sock", HAProxy "backend/server"), sorted by name.
	Upstreams []Upstream
	// Proxy are failures of the proxy itself or without an upstream:
	// proxy_resource_exhausted (`worker_connections are not enough`, out of
	// file descriptors), proxy_internal_error, and failures whose line names
	// no upstream. Most frequent first.
	Proxy []CauseCount
	Files []FileStats
}

// Upstream is one upstream's part of the window.
type Upstream struct {
	Name   string
	Proxy  string       // "nginx", "haproxy" or "apache": the first that logged it
	Causes []CauseCount // most frequent first
	// Requests whose (last) upstream this is, from nginx access logs and
	// HAProxy request lines; Status5xx of them got a 5xx, Gateway5xx a
	// 502, 503 or 504.
	Requests, Status5xx, Gateway5xx int64
	// LastRequest is the date of the newest of those requests.
	LastRequest time.Time
	// Samples is how many upstream response times were seen (every try:
	// each element of a comma-separated $upstream_response_time, "-"
	// skipped; HAProxy Tr). P50, P90 and P99 are their percentiles (nearest
	// rank); zero when Samples is 0.
	Samples       int64
	P50, P90, P99 time.Duration
}

// Share5xx is Status5xx/Requests, 0 without requests.
func (u *Upstream) Share5xx() float64 {
	if u.Requests == 0 {
		return 0
	}
	return float64(u.Status5xx) / float64(u.Requests)
}

// Count returns the count of one cause, 0 when not seen.
func (u *Upstream) Count(c cause.Cause) int64 {
	if cc := u.Cause(c); cc != nil {
		return cc.Count
	}
	return 0
}

// Cause returns the entry of one cause, nil when not seen.
func (u *Upstream) Cause(c cause.Cause) *CauseCount { return findCause(u.Causes, c) }

func findCause(cs []CauseCount, c cause.Cause) *CauseCount {
	for i := range cs {
		if cs[i].Cause == c {
			return &cs[i]
		}
	}
	return nil
}

// CauseCount is one cause seen in the window.
type CauseCount struct {
	Cause       cause.Cause
	Count       int64
	First, Last time.Time
	// Evidence are the newest lines (at most EvidenceLines), newest first,
	// cut to EvidenceBytes and made valid UTF-8 without control bytes.
	Evidence []string
}

// Upstream returns the entry of an upstream label, nil when the logs did not
// name it in the window.
func (s *Summary) Upstream(name string) *Upstream {
	for i := range s.Upstreams {
		if s.Upstreams[i].Name == name {
			return &s.Upstreams[i]
		}
	}
	return nil
}

// HasCause reports whether cause c was logged for any upstream or the proxy
// in the window (diagnose lints proxy_buffer_size on header_too_big).
func (s *Summary) HasCause(c cause.Cause) bool {
	if findCause(s.Proxy, c) != nil {
		return true
	}
	for i := range s.Upstreams {
		if s.Upstreams[i].Cause(c) != nil {
			return true
		}
	}
	return false
}

// FileStats says what was read of one file.
type FileStats struct {
	Path   string
	Format Format
	Size   int64 // when opened
	// Start is the offset the window starts at; BytesRead counts the bytes
	// read backwards to find it and forwards to classify the window.
	Start, BytesRead int64
	// Lines from Start on, by what they were: InWindow were dated in the
	// window, Old before it (out-of-order lines near its start), Future
	// more than FutureSlack after Now, Undated had no date this package
	// could read (never counted in the window). Cut lines were longer than
	// MaxLineBytes.
	Lines, InWindow, Old, Future, Undated, Cut int64
	// Unrecognized lines in the window were not of the file's format.
	Unrecognized int64
	// ReachedStart: the window began before the file's first line (then
	// the rotated predecessor is read too, see Options.NoRotated).
	ReachedStart bool
	// Capped: MaxBytes was reached before the window's start.
	Capped bool
	// Truncated: the file shrank while being read; what was read counts.
	Truncated bool
	// Predecessor: this is PATH.1, read because the window reached before
	// PATH's first line.
	Predecessor bool
}
