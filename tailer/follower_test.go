package tailer

// One deterministic test per scenario: the test writes, renames, truncates,
// then calls poll and compares the exact transcript (lines and events). No
// goroutines, no sleeps. Rotations are in rotation_test.go, globs in
// group_test.go.

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestFileCreatedAfterStart(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{}) // default: end, but there is no file
	fx.poll(g)
	expect(t, rec)
	want, text := lines("l", 3)
	fx.append("error.log", text)
	fx.poll(g)
	expect(t, rec, append(append([]string{"<opened>"}, want...), "<idle>")...)
}

func TestLineWrittenInTwoWrites(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	nginx := fx.writer("error.log")
	fx.poll(g)
	expect(t, rec, "<opened>")
	write(t, nginx, "first ha")
	fx.poll(g)
	expect(t, rec) // held: no line, no Idle
	write(t, nginx, "lf\r\nsecond")
	fx.poll(g)
	expect(t, rec, "first half", "<idle>")
	write(t, nginx, "\n")
	fx.poll(g)
	expect(t, rec, "second", "<idle>")
}

func TestLine64KiB(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	long := strings.Repeat("0123456789abcdef", 4096) // 64 KiB
	nginx := fx.writer("error.log")
	write(t, nginx, "short\n"+long[:1000])
	fx.poll(g)
	write(t, nginx, long[1000:]+"\nafter\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "short", "<idle>", long, "after", "<idle>")
}

func TestMaxLineBytes(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true, MaxLineBytes: 10})
	fx.append("error.log", "0123456789ABCDEF\nok\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "0123456789", "<line_too_long>", "ok", "<idle>")
}

// By default an existing file is read from its end - and from the next line
// if its end is inside a line; FromBeginning reads it all.
func TestFromBeginningVersusEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want []string
	}{
		{"default end", Options{}, []string{"<opened>", "new", "<idle>"}},
		{"from beginning", Options{FromBeginning: true}, []string{"<opened>", "old-1", "old-2", "half-written line", "new", "<idle>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			fx.append("error.log", "old-1\nold-2\nhalf-")
			g, rec := fx.follow("error.log", tc.opts)
			fx.append("error.log", "written line\nnew\n")
			fx.poll(g)
			expect(t, rec, tc.want...)
		})
	}
}

// Lines appended between the start and the first poll are not missed.
func TestEndIsTakenAtStart(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "old\n")
	g, rec := fx.follow("error.log", Options{})
	fx.append("error.log", "new\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "new", "<idle>")
	if off := rec.events[0].Offset; off != 4 {
		t.Fatalf("opened at %d, want 4", off)
	}
}

// Permission denied: one ReadError however many polls; retried until it
// works; lines written meanwhile are read (the file is the one that was
// there at start, so from where following started).
func TestPermissionDeniedThenFixed(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "old\n")
	fx.openErr[fx.path("error.log")] = syscall.EACCES
	g, rec := fx.follow("error.log", Options{})
	for range 3 {
		fx.poll(g)
	}
	expect(t, rec, "<read_error>")
	if err := rec.events[0].Err; err == nil || !os.IsPermission(err) {
		t.Fatalf("error %v, want permission denied", err)
	}
	fx.append("error.log", "meanwhile\n")
	fx.poll(g)
	expect(t, rec)

	delete(fx.openErr, fx.path("error.log"))
	fx.poll(g)
	expect(t, rec, "<opened>", "meanwhile", "<recovered>", "<idle>")
}

// A file removed between stat and open is missing, not an error.
func TestFileVanishesBeforeOpen(t *testing.T) {
	fx := newFixture(t)
	fx.append("error.log", "a\n")
	fx.openErr[fx.path("error.log")] = syscall.ENOENT
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	fx.poll(g)
	expect(t, rec)
	delete(fx.openErr, fx.path("error.log"))
	fx.poll(g)
	expect(t, rec, "<opened>", "a", "<idle>")
}

// The same with a real chmod, where it has an effect (not as root).
func TestPermissionDeniedChmod(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads mode 000 files; TestPermissionDeniedThenFixed covers this")
	}
	fx := newFixture(t)
	fx.e.open = os.Open
	fx.append("error.log", "a\n")
	if err := os.Chmod(fx.path("error.log"), 0); err != nil {
		t.Fatal(err)
	}
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	fx.poll(g)
	fx.poll(g)
	expect(t, rec, "<read_error>")
	if err := os.Chmod(fx.path("error.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	fx.poll(g)
	expect(t, rec, "<opened>", "a", "<recovered>", "<idle>")
}

func TestBinaryGarbageIsJustBytes(t *testing.T) {
	fx := newFixture(t)
	g, rec := fx.follow("error.log", Options{FromBeginning: true})
	fx.append("error.log", "\x00\x01\xff\xfe\n\r\n\xc3(\n")
	fx.poll(g)
	expect(t, rec, "<opened>", "\x00\x01\xff\xfe", "", "\xc3(", "<idle>")
}

// A directory at the path is an error, reported once, not a crash.
func TestNotARegularFile(t *testing.T) {
	fx := newFixture(t)
	if err := os.Mkdir(fx.path("error.log"), 0o755); err != nil {
		t.Fatal(err)
	}
	g, rec := fx.follow("error.log", Options{})
	fx.poll(g)
	fx.poll(g)
	expect(t, rec, "<read_error>")
}
