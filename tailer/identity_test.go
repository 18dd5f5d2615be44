package tailer

// Files are followed by identity (device and inode), not by name: a file is
// never read from its beginning again because it was renamed, linked, or
// moved away and back. Each scenario counts every line delivered, by every
// handler, against every line written.

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// allLines returns every line the recorders got, without events, and
// clears them.
func allLines(recs map[string]*recorder) []string {
	var ls []string
	for _, r := range recs {
		for _, l := range r.take() {
			if !strings.HasPrefix(l, "<") {
				ls = append(ls, l)
			}
		}
	}
	slices.Sort(ls)
	return ls
}

// logrotate's numbered chain under a glob that matches it (error.log*):
// .3 → .4, .2 → .3, .1 → .2, error.log → .1, create error.log, then
// `nginx -s reopen`; four times. Every line is delivered exactly once.
func TestGlobLogrotateChain(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "before start\n")
	g, recs := fx.followGlobs(Options{}, "error.log*")
	nginx := fx.writer("error.log")
	var written []string
	emit := func(s string) {
		write(t, nginx, s+"\n")
		written = append(written, s)
	}
	for rot := range 4 {
		for i := range 100 {
			emit(fmt.Sprintf("r%d-%03d", rot, i))
		}
		g.scan()
		fx.poll(g)
		for n := rot; n >= 1; n-- {
			fx.rename(fmt.Sprintf("error.log.%d", n), fmt.Sprintf("error.log.%d", n+1))
		}
		fx.rename("error.log", "error.log.1")
		emit(fmt.Sprintf("r%d-late", rot)) // before the reopen
		fx.append("error.log", "")
		g.scan()
		fx.poll(g)
		emit(fmt.Sprintf("r%d-later", rot))
		nginx = fx.writer("error.log") // nginx -s reopen
		g.scan()
		fx.poll(g)
		fx.advance(DefaultRotateWait)
		for range 3 { // retire, hand over, resume: a poll and a scan each
			fx.poll(g)
			g.scan()
		}
	}
	fx.poll(g)
	slices.Sort(written)
	if got := allLines(recs); !slices.Equal(got, written) {
		t.Fatalf("delivered %d lines for %d written; extra or missing:\n%s", len(got), len(written), diff(got, written))
	}
}

// A file renamed out of the followed path and back, within RotateWait and
// after it: its lines are read once.
func TestRenamedAwayAndBack(t *testing.T) {
	for _, wait := range []bool{false, true} {
		t.Run(fmt.Sprintf("after_rotate_wait=%v", wait), func(t *testing.T) {
			fx := newFixture(t)
			g, rec := fx.follow("error.log", Options{FromBeginning: true})
			w := fx.writer("error.log")
			write(t, w, "a\nb\n")
			fx.poll(g)
			expect(t, rec, "<opened>", "a", "b", "<idle>")
			fx.rename("error.log", "elsewhere.log")
			fx.poll(g)
			expect(t, rec, "<deleted>")
			if wait {
				fx.advance(DefaultRotateWait)
				fx.poll(g)
			}
			fx.rename("elsewhere.log", "error.log")
			write(t, w, "c\n")
			fx.poll(g)
			if wait { // resumed where it was retired
				expect(t, rec, "<opened>", "c", "<idle>")
			} else { // still drained: "c" is read before it is taken back
				expect(t, rec, "c", "<opened>", "<idle>")
			}
			if ev := rec.events[len(rec.events)-2]; ev.Kind != Opened || ev.Offset == 0 {
				t.Fatalf("reopened with %v, want opened past offset 0", ev)
			}
		})
	}
}

// A symlink whose target flips to another file and back: the first file is
// continued where it was left, not read again.
func TestSymlinkFlipsBack(t *testing.T) {
	fx := newFixture(t)
	fx.append("a.log", "a1\n")
	fx.append("b.log", "b1\n")
	link := func(target string) {
		t.Helper()
		tmp := fx.path("current.tmp")
		if err := os.Symlink(fx.path(target), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, fx.path("current.log")); err != nil {
			t.Fatal(err)
		}
	}
	link("a.log")
	g, rec := fx.follow("current.log", Options{FromBeginning: true})
	fx.poll(g)
	expect(t, rec, "<opened>", "a1", "<idle>")
	link("b.log")
	fx.poll(g)
	expect(t, rec, "<rotated>", "b1", "<idle>")
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	fx.append("a.log", "a2\n")
	link("a.log")
	fx.poll(g)
	expect(t, rec, "<rotated>", "a2", "<idle>")
	link("b.log") // flips back within RotateWait: b is still drained
	fx.append("b.log", "b2\n")
	fx.poll(g)
	expect(t, rec, "b2", "<rotated>", "<idle>")
}

// copytruncate, then a rewrite before the next check that leaves the file
// as large as before or larger, with the same first bytes: the new lines
// are read from the beginning.
func TestCopytruncateThenRewrite(t *testing.T) {
	for _, extra := range []string{"", "grown\n"} {
		t.Run(fmt.Sprintf("grown=%v", extra != ""), func(t *testing.T) {
			fx := newFixture(t)
			header := "2026/12/02 10:00:00 [error] 1#1: *1 same first bytes in every line of this log ... "
			fx.append("error.log", header+"old-1\n"+header+"old-2\n")
			g, rec := fx.follow("error.log", Options{FromBeginning: true})
			fx.poll(g)
			expect(t, rec, "<opened>", header+"old-1", header+"old-2", "<idle>")
			if err := os.Truncate(fx.path("error.log"), 0); err != nil {
				t.Fatal(err)
			}
			fx.append("error.log", header+"new-1\n"+header+"new-2\n"+extra)
			fx.poll(g)
			want := []string{"<truncated>", header + "new-1", header + "new-2"}
			if extra != "" {
				want = append(want, "grown")
			}
			expect(t, rec, append(want, "<idle>")...)
		})
	}
}

// diff lists what one sorted list has more than the other.
func diff(got, want []string) string {
	var b strings.Builder
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case j == len(want) || (i < len(got) && got[i] < want[j]):
			fmt.Fprintf(&b, "  extra   %q\n", got[i])
			i++
		case i == len(got) || want[j] < got[i]:
			fmt.Fprintf(&b, "  missing %q\n", want[j])
			j++
		default:
			i++
			j++
		}
	}
	return b.String()
}

// Two names of one file in a glob (a hard link): it is read once, by the
// first name; the other waits and takes over, where the first stopped, if
// the first name goes away.
func TestGlobHardLinkReadOnce(t *testing.T) {
	fx := newFixture(t)
	fx.append("a.log", "1\n")
	if err := os.Link(fx.path("a.log"), fx.path("b.log")); err != nil {
		t.Fatal(err)
	}
	g, recs := fx.followGlobs(Options{FromBeginning: true}, "*.log")
	fx.poll(g)
	fx.append("a.log", "2\n")
	fx.poll(g)
	expect(t, recs[fx.path("a.log")], "<opened>", "1", "<idle>", "2", "<idle>")
	expect(t, recs[fx.path("b.log")])
	fx.remove("a.log")
	fx.poll(g)
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	fx.append("b.log", "3\n")
	fx.poll(g)
	expect(t, recs[fx.path("a.log")], "<deleted>")
	expect(t, recs[fx.path("b.log")], "<opened>", "3", "<idle>")
}
