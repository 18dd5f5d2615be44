package probe

import (
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// Latest copies the results (pending targets left out) and the discovery
// lists: a caller changing them does not change the scheduler.
func TestLatestCopiesResultsAndDiscovery(t *testing.T) {
	s := newScheduler(t, Options{Interval: 10 * time.Second, Timeout: time.Second})
	bad := Target{Address: "unix:/run/php.sock", Module: ModuleTCP, Proxy: "nginx", Where: "nginx.conf:20"}
	ok := Target{Address: "127.0.0.1:8080", Module: ModuleTCP, Proxy: "nginx"}
	pending := Target{Address: "127.0.0.1:9", Module: ModuleTCP}
	s.SetTargets([]Target{bad, ok, pending})
	s.mu.Lock()
	s.entries[ok.Key()].results = []Result{{Upstream: "127.0.0.1:8080", Success: true}}
	s.entries[bad.Key()].results = []Result{{Upstream: "unix:/run/php.sock", Cause: cause.SocketNotFound, Err: "no such file"}}
	s.mu.Unlock()
	s.SetDiscovery(Discovery{Unprobeable: []Unprobeable{{Where: "nginx.conf:30", Reason: "variables"}}, Errors: []string{"e"}})

	got, d := s.Latest()
	if len(got) != 2 || got[0].Result.Upstream != "127.0.0.1:8080" || got[1].Result.Cause != cause.SocketNotFound || got[1].Target.Where != "nginx.conf:20" {
		t.Fatalf("Latest = %+v", got)
	}
	if len(d.Unprobeable) != 1 || len(d.Errors) != 1 {
		t.Fatalf("discovery = %+v", d)
	}
	d.Unprobeable[0].Reason = "changed"
	if _, d2 := s.Latest(); d2.Unprobeable[0].Reason != "variables" {
		t.Fatal("Latest shares the discovery list with the scheduler")
	}
}
