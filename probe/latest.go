package probe

import (
	"cmp"
	"slices"
)

// Latest is one target's latest result, for readers other than the
// metrics and the status page (the /diagnose page).
type Latest struct {
	Target Target
	Result Result
}

// Latest returns a copy of the latest result of every address of every
// target, sorted by upstream, proxy and group (targets not probed yet are
// left out), and what discovery found besides. It never probes.
func (s *Scheduler) Latest() ([]Latest, Discovery) {
	s.mu.RLock()
	out := make([]Latest, 0, len(s.entries))
	for _, e := range s.entries {
		for _, r := range e.results {
			out = append(out, Latest{Target: e.target, Result: r})
		}
	}
	d := s.discovery
	d.Unprobeable = slices.Clone(d.Unprobeable)
	d.Errors = slices.Clone(d.Errors)
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Latest) int {
		return cmp.Or(cmp.Compare(a.Result.Upstream, b.Result.Upstream),
			cmp.Compare(a.Target.Proxy, b.Target.Proxy), cmp.Compare(a.Target.Group, b.Target.Group))
	})
	return out, d
}
