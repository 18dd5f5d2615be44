package s3source

import (
	"slices"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// strayKeys are keys beside the date folders that sort after every real
// day: an undated one and one dated far in the future.
func strayKeys() []string {
	return []string{albPrefix + "readme.txt", albPrefix + "2099/01/01/clock-gone-wrong.log"}
}

// Stray keys are read but never become the last key: objects arriving
// after them are still listed, and the stray keys are counted as ignored.
func TestStrayKeysDoNotHideLaterObjects(t *testing.T) {
	srv := s3test.Start(t, bucket)
	first := albKey("2026/12/01", "1000", "n1")
	for _, k := range append([]string{first}, strayKeys()...) {
		srv.Put(t, bucket, k, s3test.Gzip(t, k))
	}
	ts := startTestSource(t, srv, Options{Prefix: albPrefix, FromBeginning: true})
	ts.waitDone(t, 3)
	if last := ts.LastKey(); last != first {
		t.Errorf("last key %q, want %q", last, first)
	}
	next := albKey("2026/12/01", "1005", "n1")
	srv.Put(t, bucket, next, s3test.Gzip(t, next))
	done := ts.waitDone(t, 4)
	if done[3] != next {
		t.Errorf("done %q, want %q last", done, next)
	}
	if got := ts.errors(ErrorIgnoredKey); got != 2 {
		t.Errorf("ignored_key errors = %v, want 2", got)
	}
}

// At a first start the stray keys already there do not become the last
// key either: a new object is read.
func TestSkipExistingIgnoresStrayKeys(t *testing.T) {
	srv := s3test.Start(t, bucket)
	first := albKey("2026/12/01", "1000", "n1")
	for _, k := range append([]string{first}, strayKeys()...) {
		srv.Put(t, bucket, k, s3test.Gzip(t, k))
	}
	ts := startTestSource(t, srv, Options{Prefix: albPrefix})
	deadline := time.Now().Add(60 * time.Second)
	for !ts.Positioned() {
		if time.Now().After(deadline) {
			t.Fatal("never positioned")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if last := ts.LastKey(); last != first {
		t.Errorf("last key %q, want %q", last, first)
	}
	next := albKey("2026/12/01", "1005", "n1")
	srv.Put(t, bucket, next, s3test.Gzip(t, next))
	done := ts.waitDone(t, 1)
	lines, _ := ts.rec.snapshot()
	if !slices.Equal(done, []string{next}) || !slices.Equal(lines, []string{next}) {
		t.Errorf("done %q lines %q, want the new object only", done, lines)
	}
}
