package tailer

// Rotation scenarios, driven step by step like every follower test: write,
// rename or truncate, poll, compare the exact transcript. RotateWait is
// elapsed by advancing the fixture's clock.

import (
	"os"
	"testing"
)

// logrotate `create` + postrotate `nginx -s reopen`: nginx keeps writing to
// the renamed file until it reopens; those lines must be read, once, and
// before the lines of the new file.
func TestRenameRotation(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "before start\n")
	g, rec := fx.follow("error.log", Options{})
	nginx := fx.writer("error.log")
	fx.poll(g)
	expect(t, rec, "<opened>")

	write(t, nginx, "a\nb\n")
	fx.poll(g)
	expect(t, rec, "a", "b", "<idle>")

	fx.rename("error.log", "error.log.1")
	write(t, nginx, "c\n") // after the rename, before the new file exists
	fx.poll(g)
	expect(t, rec, "c", "<deleted>", "<idle>")

	fx.append("error.log", "") // logrotate creates the new file
	write(t, nginx, "d\n")     // still before the reopen
	fx.poll(g)
	expect(t, rec, "d", "<opened>", "<idle>")

	write(t, nginx, "e\n")
	reopened := fx.writer("error.log") // nginx -s reopen
	write(t, reopened, "f\n")
	fx.poll(g)
	expect(t, rec, "e", "f", "<idle>")

	fx.advance(DefaultRotateWait)
	fx.poll(g) // old file retired
	write(t, reopened, "g\n")
	fx.poll(g)
	expect(t, rec, "g", "<idle>")
}

// Rename and re-creation both between two polls: one Rotated, the rest of
// the old file first, then the new file from its beginning.
func TestRenameRotationBetweenPolls(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	nginx := fx.writer("error.log")
	write(t, nginx, "a\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "a", "<idle>")

	write(t, nginx, "b\n")
	fx.rename("error.log", "error.log.1")
	fx.append("error.log", "new-1\n")
	write(t, nginx, "c\n")
	fx.poll(g)
	expect(t, rec, "b", "c", "<rotated>", "new-1", "<idle>")
	if ev := rec.events[len(rec.events)-2]; ev.Kind != Rotated || ev.Offset != 0 {
		t.Fatalf("rotation event %v, want rotated at offset 0", ev)
	}

	// An unterminated last line of the old file is delivered when it is
	// retired, after RotateWait.
	write(t, nginx, "torn")
	fx.poll(g)
	expect(t, rec)
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	expect(t, rec, "torn", "<idle>")
	write(t, nginx, " rest\n") // after RotateWait: not read (documented)
	fx.poll(g)
	expect(t, rec)
}

// copytruncate: the file shrinks under us; reading restarts at 0. Also the
// harder case: truncated and rewritten past our offset between two polls.
func TestCopyTruncate(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	nginx := fx.writer("error.log") // O_APPEND, as nginx
	write(t, nginx, "a\nb\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "a", "b", "<idle>")

	write(t, nginx, "partial")
	fx.poll(g)
	expect(t, rec)
	if err := os.Truncate(fx.path("error.log"), 0); err != nil {
		t.Fatal(err)
	}
	fx.poll(g)
	expect(t, rec, "<truncated>")
	write(t, nginx, "c\n")
	fx.poll(g)
	expect(t, rec, "c", "<idle>")

	// Truncate, then grow past the offset read (2) before the next poll:
	// the size alone does not tell, the first bytes do.
	if err := os.Truncate(fx.path("error.log"), 0); err != nil {
		t.Fatal(err)
	}
	write(t, nginx, "dd\neee\n")
	fx.poll(g)
	expect(t, rec, "<truncated>", "dd", "eee", "<idle>")
}

// Deleted while nginx still writes to it, then re-created.
func TestFileDeletedAndRecreated(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	nginx := fx.writer("error.log")
	write(t, nginx, "a\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "a", "<idle>")

	fx.remove("error.log")
	fx.poll(g)
	expect(t, rec, "<deleted>")
	write(t, nginx, "b\n") // to the deleted file, still open: drained
	fx.poll(g)
	expect(t, rec, "b", "<idle>")

	fx.append("error.log", "c\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "c", "<idle>")
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	expect(t, rec)
}
