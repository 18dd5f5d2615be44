package tailer

// Resuming from the positions of an earlier run (a restart, or a tail
// replaced on reload): lines written while nobody followed are read, lines
// read before are not read again, and a position is trusted only while the
// file still holds what was read.

import (
	"os"
	"testing"
)

// resumeGlobs starts a group as a restart would, from positions ps.
func (fx *fixture) resumeGlobs(ps []Position, globs ...string) (*group, map[string]*recorder) {
	recs := map[string]*recorder{}
	for i, g := range globs {
		globs[i] = fx.path(g)
	}
	g := newGlobGroup(GroupOptions{Options: fx.options(Options{}), Globs: globs, Resume: true, Positions: ps}, func(p string) Handler {
		recs[p] = &recorder{}
		return recs[p]
	}, fx.e)
	return g, recs
}

func TestResumeAfterRestart(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "old-1\n")
	g, recs := fx.followGlobs(Options{}, "*.log")
	w := fx.writer("error.log")
	write(t, w, "a\nb\nhalf")
	fx.poll(g)
	expect(t, recs[fx.path("error.log")], "<opened>", "a", "b", "<idle>")
	ps := g.positions()
	if err := g.close(); err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Offset != int64(len("old-1\na\nb\n")) {
		t.Fatalf("positions %+v, want error.log at the end of b", ps)
	}

	write(t, w, " line\nwhile down\n") // nobody follows
	fx.append("new.log", "born while down\n")
	g2, recs2 := fx.resumeGlobs(ps, "*.log")
	fx.poll(g2)
	expect(t, recs2[fx.path("error.log")], "<opened>", "half line", "while down", "<idle>")
	expect(t, recs2[fx.path("new.log")], "<opened>", "born while down", "<idle>")
}

// A file truncated and rewritten while down, or a new file that got the
// inode of a deleted one, is read from its beginning.
func TestResumeDistrustsChangedFile(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "2026/12/02 first line of the old file\n2026/12/02 second line\n")
	g, _ := fx.followGlobs(Options{FromBeginning: true}, "error.log")
	fx.poll(g)
	ps := g.positions()
	g.close()

	if err := os.Truncate(fx.path("error.log"), 0); err != nil {
		t.Fatal(err)
	}
	fx.append("error.log", "2026/12/02 first line of the new file\n2026/12/02 second line, longer\n2026/12/02 third\n")
	g2, recs := fx.resumeGlobs(ps, "error.log")
	fx.poll(g2)
	expect(t, recs[fx.path("error.log")], "<opened>", "2026/12/02 first line of the new file",
		"2026/12/02 second line, longer", "2026/12/02 third", "<idle>")
}

// The positions of a group follow its files through renames: a file
// rotated while the exporter was down is continued under its new name when
// the glob matches it.
func TestResumeFollowsRename(t *testing.T) {
	fx := newFixture(t)
	g, _ := fx.followGlobs(Options{FromBeginning: true}, "error.log*")
	w := fx.writer("error.log")
	write(t, w, "a\n")
	g.scan()
	fx.poll(g)
	ps := g.positions()
	g.close()

	write(t, w, "b\n")
	fx.rename("error.log", "error.log.1")
	fx.append("error.log", "c\n")
	g2, recs := fx.resumeGlobs(ps, "error.log*")
	fx.poll(g2)
	expect(t, recs[fx.path("error.log.1")], "<opened>", "b", "<idle>")
	expect(t, recs[fx.path("error.log")], "<opened>", "c", "<idle>")
}
