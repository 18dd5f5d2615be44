package probe

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// probeTarget runs one probe of t: it resolves a host name (the resolve
// phase) and probes every address it gets, at once, or only the first when
// t.Upstream fixes the label. timeout bounds the whole run.
func (s *Scheduler) probeTarget(parent context.Context, t Target, timeout time.Duration) []Result {
	s.mu.RLock()
	o := s.opts
	s.mu.RUnlock()
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	start := time.Now()
	f := o.Probes[t.Module]
	if f == nil {
		return []Result{{Upstream: t.label(""), Address: t.Address, Start: start, Err: fmt.Sprintf("unknown module %q", t.Module)}}
	}
	if t.Module == ModuleDNS {
		r := Result{Upstream: t.label(""), Address: t.Address, Start: start}
		runSafely(ctx, f, t, &r)
		r.Duration = time.Since(start)
		return []Result{r}
	}
	addrs, resolveTime, err := resolveTarget(ctx, o.Resolver, t)
	if err != nil {
		r := Result{Upstream: t.label(""), Address: t.Address, Start: start, Duration: time.Since(start)}
		r.Phases[PhaseResolve] = resolveTime
		r.fail(classify(err, stageResolve), err)
		return []Result{r}
	}
	if t.Upstream != "" {
		addrs = addrs[:1] // HAProxy uses one address per server
	}
	if len(addrs) > o.MaxAddresses {
		addrs = addrs[:o.MaxAddresses]
	}
	results := make([]Result, len(addrs))
	one := func(i int) {
		tt := t
		tt.Dial = addrs[i]
		r := &results[i]
		r.Upstream, r.Address, r.Start = tt.label(addrs[i]), addrs[i], start
		r.Phases[PhaseResolve] = resolveTime
		runSafely(ctx, f, tt, r)
		r.Duration = time.Since(start)
	}
	if len(addrs) == 1 {
		one(0)
		return results
	}
	var wg sync.WaitGroup // the addresses of a name at once, within the same timeout
	for i := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			one(i)
		}()
	}
	wg.Wait()
	return results
}

// runSafely runs f, turning a panic into a failed result.
func runSafely(ctx context.Context, f ProbeFunc, t Target, r *Result) {
	defer func() {
		if p := recover(); p != nil {
			r.fail(cause.None, fmt.Errorf("probe panicked: %v", p))
		}
	}()
	f(ctx, t, r)
}

// resolveTarget returns the addresses to dial for t: the unix socket or IP
// literal itself, or every address its host name resolves to, as
// "IP:port".
func resolveTarget(ctx context.Context, res *net.Resolver, t Target) ([]string, time.Duration, error) {
	network, host, port, err := splitAddress(t.Address)
	if err != nil {
		return nil, 0, err
	}
	if network == "unix" {
		return []string{t.Address}, 0, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []string{net.JoinHostPort(ip.String(), port)}, 0, nil
	}
	start := time.Now()
	ips, err := lookup(ctx, res, host)
	took := time.Since(start)
	if err != nil {
		return nil, took, err
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = net.JoinHostPort(ip.String(), port)
	}
	return out, took, nil
}

// label is the upstream label of a result for the dialled address a: the
// fixed Upstream, or the address as nginx logs a peer ("IP:port",
// "[v6]:port", "unix:/path"); the configured address when there is none.
func (t Target) label(a string) string {
	switch {
	case t.Upstream != "":
		return t.Upstream
	case a != "":
		return a
	}
	return t.Address
}

// Key identifies a target across SetTargets: everything that changes what
// is probed or how it is labelled, but not where it was configured.
func (t Target) Key() string {
	tlsKey := "-"
	if t.TLS != nil {
		tlsKey = fmt.Sprintf("%+v", *t.TLS)
	}
	return strings.Join([]string{string(t.Module), t.Proxy, t.Group, t.Upstream, t.Address,
		fmt.Sprintf("%+v", t.HTTP), tlsKey}, "\x00")
}

// logChanges logs the upstreams whose state changed between two runs.
func (s *Scheduler) logChanges(before, after []Result) {
	was := make(map[string]bool, len(before))
	for _, r := range before {
		was[r.Upstream] = r.Success
	}
	for _, r := range after {
		ok, seen := was[r.Upstream]
		switch {
		case !r.Success && (ok || !seen):
			s.opts.Logger.Warn("Upstream probe failed", "upstream", r.Upstream, "address", r.Address, "cause", r.Cause.String(), "err", r.Err)
		case r.Success && seen && !ok:
			s.opts.Logger.Info("Upstream probe passes again", "upstream", r.Upstream, "address", r.Address)
		}
	}
}

// entryQueue is a min-heap of entries by next run.
type entryQueue []*entry

func (q entryQueue) Len() int           { return len(q) }
func (q entryQueue) Less(i, j int) bool { return q[i].next.Before(q[j].next) }
func (q entryQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *entryQueue) Push(x any) {
	e := x.(*entry)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *entryQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*q = old[:len(old)-1]
	return e
}
