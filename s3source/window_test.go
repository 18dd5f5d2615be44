package s3source

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

const albPrefix = "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/"

// lbKey is the key AWS gives the log object of load balancer lb's node
// for the five minutes ending at day/hhmm.
func lbKey(lb, day, hhmm, node string) string {
	return fmt.Sprintf("%s%s/123456789012_elasticloadbalancing_eu-west-1_app.%s_%sT%sZ_%s_2et2e1mx.log.gz",
		albPrefix, day, lb, dayStamp(day), hhmm, node)
}

// Objects do not arrive in key order: two load balancers and two nodes
// share a day folder, and a node's object comes after a later one. Each
// object is read once, also the late ones (in the last key's day, or the
// day before), and after a restart from the saved position.
func TestLateObjectsWithSmallerKeysAreRead(t *testing.T) {
	srv := s3test.Start(t, bucket)
	var uploaded []string
	put := func(key string) {
		uploaded = append(uploaded, key)
		srv.Put(t, bucket, key, s3test.Gzip(t, linesOf(key, 3)...))
	}
	opts := Options{Prefix: albPrefix, FromBeginning: true}
	ts := startTestSource(t, srv, opts)
	steps := [][]string{
		{lbKey("web-b", "2026/12/01", "1205", "10.0.1.7")},
		{lbKey("web-a", "2026/12/01", "1205", "10.0.1.7")},                                                   // another load balancer: a smaller key, later
		{lbKey("web-b", "2026/12/01", "1210", "10.0.2.9")},                                                   // node 2 first …
		{lbKey("web-b", "2026/12/01", "1210", "10.0.1.7"), lbKey("web-a", "2026/12/01", "1210", "10.0.1.7")}, // … node 1 late
		{lbKey("web-a", "2026/12/02", "0000", "10.0.1.7")},                                                   // the next day
		{lbKey("web-b", "2026/12/01", "2355", "10.0.1.7"), lbKey("web-b", "2026/12/02", "0000", "10.0.1.7")}, // the day before, late
	}
	n := 0
	for _, step := range steps {
		for _, k := range step {
			put(k)
		}
		n += len(step)
		ts.waitDone(t, n)
	}
	_, done := ts.rec.snapshot()
	if !sameKeys(done, uploaded) {
		t.Fatalf("done:\n%q\nwant each uploaded once:\n%q", done, uploaded)
	}
	lines, _ := ts.rec.snapshot()
	if len(lines) != 3*len(uploaded) {
		t.Errorf("%d lines, want %d", len(lines), 3*len(uploaded))
	}
	pos := ts.Position()
	ts.Close()

	// Restarted from the saved position: only the new late object.
	late := lbKey("web-a", "2026/12/02", "0000", "10.0.2.9")
	put(late)
	opts.Start, opts.Resume = pos, true
	ts2 := startTestSource(t, srv, opts)
	if done := ts2.waitDone(t, 1); !slices.Equal(done, []string{late}) {
		t.Fatalf("after the restart: done %q, want only %q", done, late)
	}
	put(lbKey("web-a", "2026/12/02", "0005", "10.0.1.7"))
	ts2.waitDone(t, 2)
	// Every poll lists the window again: wait for more polls, then no
	// object may have been handed twice.
	requests := srv.Requests.Load()
	deadline := time.Now().Add(60 * time.Second)
	for srv.Requests.Load() < requests+5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, done := ts2.rec.snapshot(); len(done) != 2 {
		t.Errorf("after more polls: done %q, want 2 objects", done)
	}
	if p := ts2.Position(); len(p.Done) != len(uploaded) { // the window starts at 2026/12/01: all of them
		t.Errorf("position: %d done keys, want %d", len(p.Done), len(uploaded))
	}
}

// The window: from the day before the last key's day; keys before it are
// forgotten as the last key moves on; keys without date folders list after
// the last key.
func TestWindowStartAndDoneKeysPruned(t *testing.T) {
	s := &Source{opts: Options{Prefix: albPrefix}, doneKeys: map[string]bool{}}
	after, dated := s.windowStart(lbKey("web", "2026/03/01", "0005", "10.0.1.7"))
	if !dated || after != albPrefix+"2026/02/28/" {
		t.Errorf("windowStart = %q %v, want the day before (2026/02/28/)", after, dated)
	}
	if after, dated := s.windowStart("other/key.log"); dated || after != "other/key.log" {
		t.Errorf("undated key: windowStart = %q %v", after, dated)
	}
	noSlash := &Source{opts: Options{Prefix: strings.TrimSuffix(albPrefix, "/")}}
	if after, dated := noSlash.windowStart(lbKey("web", "2026/03/01", "0005", "10.0.1.7")); !dated || after != albPrefix+"2026/02/28/" {
		t.Errorf("prefix without its slash: windowStart = %q %v", after, dated)
	}
	s.markDone(lbKey("web", "2026/12/01", "2355", "10.0.1.7"))
	s.markDone(lbKey("web", "2026/12/02", "0000", "10.0.1.7"))
	pos, _ := s.markDone(lbKey("web", "2026/12/03", "0000", "10.0.1.7"))
	want := []string{lbKey("web", "2026/12/02", "0000", "10.0.1.7"), lbKey("web", "2026/12/03", "0000", "10.0.1.7")}
	if !slices.Equal(pos.Done, want) || pos.LastKey != want[1] {
		t.Errorf("position %+v, want done %q", pos, want)
	}
}

func sameKeys(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
