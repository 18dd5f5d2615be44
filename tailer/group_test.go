package tailer

import (
	"fmt"
	"slices"
	"testing"
)

func TestTenFilesAtOnce(t *testing.T) {
	fx := newFixture(t)
	want := map[string][]string{}
	for i := range 10 {
		name := fmt.Sprintf("vhost%d.error.log", i)
		ls, text := lines(name, 5+i)
		fx.append(name, text)
		want[fx.path(name)] = ls
	}
	g, recs := fx.followGlobs(Options{FromBeginning: true}, "*.error.log")
	fx.poll(g)
	if len(recs) != 10 {
		t.Fatalf("%d tails, want 10", len(recs))
	}
	for path, rec := range recs {
		expect(t, rec, append(append([]string{"<opened>"}, want[path]...), "<idle>")...)
	}

	for i := range 10 {
		fx.append(fmt.Sprintf("vhost%d.error.log", i), fmt.Sprintf("more-%d\n", i))
	}
	fx.poll(g)
	for i := range 10 {
		expect(t, recs[fx.path(fmt.Sprintf("vhost%d.error.log", i))], fmt.Sprintf("more-%d", i), "<idle>")
	}
}

// A file created after start is found by the next scan and read from its
// beginning; files there at start are read from their end.
func TestGlobPicksUpNewFile(t *testing.T) {
	fx := newFixture(t)
	fx.append("a.log", "a-old\n")
	fx.append("not-matched.txt", "x\n")
	g, recs := fx.followGlobs(Options{}, "*.log")
	fx.append("a.log", "a-new\n")
	fx.poll(g)
	expect(t, recs[fx.path("a.log")], "<opened>", "a-new", "<idle>")

	fx.append("b.log", "b-1\nb-2\n")
	g.scan()
	fx.poll(g)
	expect(t, recs[fx.path("b.log")], "<opened>", "b-1", "b-2", "<idle>")
	expect(t, recs[fx.path("a.log")])
	if len(recs) != 2 {
		t.Fatalf("tails for %v, want a.log and b.log", keys(recs))
	}
}

// A glob that also matches rotated names (error.log*): the renamed file is
// left to the tail draining it, then followed under its new name from
// where that tail stopped - nothing is read twice.
func TestGlobMatchingRotatedFile(t *testing.T) {
	fx := newFixture(t)
	g, recs := fx.followGlobs(Options{FromBeginning: true}, "error.log*")
	nginx := fx.writer("error.log")
	write(t, nginx, "a\n")
	g.scan()
	fx.poll(g)
	cur := recs[fx.path("error.log")]
	expect(t, cur, "<opened>", "a", "<idle>")

	fx.rename("error.log", "error.log.1")
	fx.append("error.log", "new-1\n")
	write(t, nginx, "b\n")
	g.scan() // error.log.1 is being drained: not a new file
	fx.poll(g)
	expect(t, cur, "b", "<rotated>", "new-1", "<idle>")
	expect(t, recs[fx.path("error.log.1")]) // waits while the old tail drains it

	fx.advance(DefaultRotateWait)
	fx.poll(g) // retired
	g.scan()   // now error.log.1 gets its own tail, resuming at its end
	write(t, nginx, "late\n")
	fx.poll(g)
	expect(t, recs[fx.path("error.log.1")], "<opened>", "late", "<idle>")
	expect(t, cur)
}

// A followed file that is gone for good is dropped once drained; if it
// comes back it is a new file, read from its beginning by a new handler.
func TestGlobDropsVanishedFile(t *testing.T) {
	fx := newFixture(t)
	fx.append("a.log", "a\n")
	g, recs := fx.followGlobs(Options{FromBeginning: true}, "*.log")
	fx.poll(g)
	expect(t, recs[fx.path("a.log")], "<opened>", "a", "<idle>")
	fx.remove("a.log")
	fx.poll(g)
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	g.scan()
	expect(t, recs[fx.path("a.log")], "<deleted>")
	if len(g.paths()) != 0 {
		t.Fatalf("still following %v", g.paths())
	}
	delete(recs, fx.path("a.log"))
	fx.append("a.log", "again\n")
	g.scan()
	fx.poll(g)
	expect(t, recs[fx.path("a.log")], "<opened>", "again", "<idle>")
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
