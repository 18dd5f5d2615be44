package tailer

// A Holder keeps the parts of split messages: the positions of its files
// stay at the first part it holds, so that a restart reads the parts again.

import (
	"strings"
	"testing"
)

// partsRecorder records like recorder and holds lines starting with "P"
// until a line that does not.
type partsRecorder struct {
	recorder
	holding bool
}

func (r *partsRecorder) Line(l []byte) {
	r.recorder.Line(l)
	r.holding = strings.HasPrefix(string(l), "P")
}

func (r *partsRecorder) Holding() bool { return r.holding }

func (fx *fixture) followHolding(ps []Position, glob string) (*group, map[string]*partsRecorder) {
	recs := map[string]*partsRecorder{}
	g := newGlobGroup(GroupOptions{Options: fx.options(Options{FromBeginning: true}), Globs: []string{fx.path(glob)}, Resume: ps != nil, Positions: ps},
		func(p string) Handler {
			recs[p] = &partsRecorder{}
			return recs[p]
		}, fx.e)
	return g, recs
}

// offsetOf returns the position of the file at name among ps.
func (fx *fixture) offsetOf(ps []Position, name string) int64 {
	fx.t.Helper()
	fi, err := fx.e.stat(fx.path(name))
	if err != nil {
		fx.t.Fatal(err)
	}
	id, _ := idOf(fi)
	for _, p := range ps {
		if p.id() == id {
			return p.Offset
		}
	}
	fx.t.Fatalf("no position of %s in %+v", name, ps)
	return 0
}

func TestHeldLinesReadAgainAfterRestart(t *testing.T) {
	fx := newFixture(t)
	fx.append("0.log", "a\nP1\nP2\n")
	g, recs := fx.followHolding(nil, "*.log")
	g.scan()
	fx.poll(g)
	expect(t, &recs[fx.path("0.log")].recorder, "<opened>", "a", "P1", "P2", "<idle>")
	ps := g.positions()
	g.close()
	if got := fx.offsetOf(ps, "0.log"); got != int64(len("a\n")) {
		t.Fatalf("position %d while P1 and P2 are held, want %d (their start)", got, len("a\n"))
	}

	fx.append("0.log", "F\nb\n")
	g2, recs2 := fx.followHolding(ps, "*.log")
	g2.scan()
	fx.poll(g2)
	expect(t, &recs2[fx.path("0.log")].recorder, "<opened>", "P1", "P2", "F", "b", "<idle>")
	if got, want := fx.offsetOf(g2.positions(), "0.log"), int64(len("a\nP1\nP2\nF\nb\n")); got != want {
		t.Fatalf("position %d once nothing is held, want the end, %d", got, want)
	}
}

// Parts split over a rotation: the rotated file's position stays at the
// first part while it is held, and moves to its end once the last part,
// in the new file, lets the parts go.
func TestHeldLinesAcrossRotation(t *testing.T) {
	fx := newFixture(t)
	w := fx.writer("0.log")
	write(t, w, "a\nP1\n")
	g, recs := fx.followHolding(nil, "0.log")
	g.scan()
	fx.poll(g)
	fx.rename("0.log", "0.log.1")
	write(t, w, "P2\n")
	fx.append("0.log", "P3\n")
	fx.poll(g)
	ps := g.positions()
	if got := fx.offsetOf(ps, "0.log.1"); got != int64(len("a\n")) {
		t.Fatalf("rotated file at %d while its parts are held, want %d", got, len("a\n"))
	}
	if got := fx.offsetOf(ps, "0.log"); got != 0 {
		t.Fatalf("new file at %d while its part is held, want 0", got)
	}
	fx.append("0.log", "F\n")
	fx.poll(g)
	expect(t, &recs[fx.path("0.log")].recorder, "<opened>", "a", "P1", "<idle>", "P2", "<rotated>", "P3", "<idle>", "F", "<idle>")
	ps = g.positions()
	if got, want := fx.offsetOf(ps, "0.log.1"), int64(len("a\nP1\nP2\n")); got != want {
		t.Fatalf("rotated file at %d once the parts are let go, want its end %d", got, want)
	}
	if got, want := fx.offsetOf(ps, "0.log"), int64(len("P3\nF\n")); got != want {
		t.Fatalf("new file at %d once the parts are let go, want its end %d", got, want)
	}
	g.close()
}
