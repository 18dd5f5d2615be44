package tailer

// copytruncate: logrotate copies the file (error.log.1, or a dated name),
// then truncates it in place. Lines written before the copy that the tail
// had not read yet are only in the copy: they are read from there, once,
// and a glob that matches the copy does not read the copy again.

import (
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
)

// copyTruncate does what logrotate's copytruncate does: copy, then
// truncate in place.
func (fx *fixture) copyTruncate(name, copyName string) {
	fx.t.Helper()
	src, err := os.Open(fx.path(name))
	if err != nil {
		fx.t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(fx.path(copyName))
	if err != nil {
		fx.t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		fx.t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		fx.t.Fatal(err)
	}
	if err := os.Truncate(fx.path(name), 0); err != nil {
		fx.t.Fatal(err)
	}
}

func TestCopytruncateReadsUnreadLinesFromCopy(t *testing.T) {
	for _, copyName := range []string{"error.log.1", "error.log-20261202"} {
		t.Run(copyName, func(t *testing.T) {
			fx := newFixture(t)
			g, rec := fx.follow("error.log", Options{FromBeginning: true})
			w := fx.writer("error.log") // O_APPEND, like nginx
			write(t, w, "2026/12/02 read-1\n2026/12/02 read-2\n")
			fx.poll(g)
			expect(t, rec, "<opened>", "2026/12/02 read-1", "2026/12/02 read-2", "<idle>")
			write(t, w, "2026/12/02 unread-1\n2026/12/02 unread-2 torn") // not read before the rotation
			fx.copyTruncate("error.log", copyName)
			write(t, w, "2026/12/02 after\n")
			fx.poll(g)
			expect(t, rec, "2026/12/02 unread-1", "2026/12/02 unread-2 torn", "<truncated>", "2026/12/02 after", "<idle>")
		})
	}
}

// A glob matching the copy (error.log*), with the copy found by a scan
// before or after the tail notices the truncation: every line once.
func TestGlobCopytruncateCountsOnce(t *testing.T) {
	for _, scanFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("copy_scanned_first=%v", scanFirst), func(t *testing.T) {
			fx := newFixture(t)
			g, recs := fx.followGlobs(Options{FromBeginning: true}, "error.log*")
			w := fx.writer("error.log")
			var written []string
			emit := func(s string) {
				write(t, w, s+"\n")
				written = append(written, s)
			}
			g.scan()
			for round := range 3 {
				for i := range 20 {
					emit(fmt.Sprintf("2026/12/02 r%d-%02d", round, i))
				}
				fx.poll(g)
				emit(fmt.Sprintf("2026/12/02 r%d-unread", round))
				if round > 0 {
					fx.rename("error.log.1", fmt.Sprintf("error.log.%d", round+1))
				}
				fx.copyTruncate("error.log", "error.log.1")
				if scanFirst {
					g.scan()
				}
				fx.poll(g)
				g.scan()
				fx.poll(g)
				emit(fmt.Sprintf("2026/12/02 r%d-after", round))
				fx.poll(g)
				fx.advance(DefaultRotateWait)
				fx.poll(g)
				g.scan()
				fx.poll(g)
			}
			slices.Sort(written)
			if got := allLines(recs); !slices.Equal(got, written) {
				t.Fatalf("delivered %d lines for %d written:\n%s", len(got), len(written), diff(got, written))
			}
		})
	}
}

// copytruncate while nobody follows (a restart): the copy, matched by the
// glob, continues where the positions say the original was left; the
// original is read again from its beginning.
func TestResumeCopytruncateWhileDown(t *testing.T) {
	fx := newFixture(t)
	g, _ := fx.followGlobs(Options{FromBeginning: true}, "error.log*")
	w := fx.writer("error.log")
	write(t, w, "2026/12/02 a\n2026/12/02 b\n")
	g.scan()
	fx.poll(g)
	ps := g.positions()
	g.close()

	write(t, w, "2026/12/02 c while down\n")
	fx.copyTruncate("error.log", "error.log.1")
	write(t, w, "2026/12/02 d after\n")
	g2, recs := fx.resumeGlobs(ps, "error.log*")
	fx.poll(g2)
	expect(t, recs[fx.path("error.log")], "<opened>", "2026/12/02 d after", "<idle>")
	expect(t, recs[fx.path("error.log.1")], "<opened>", "2026/12/02 c while down", "<idle>")
}
