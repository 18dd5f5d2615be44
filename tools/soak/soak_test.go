package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// shortSoak runs the tool's core for 3 s at 600 lines/s against the real
// exporter (built once per test) with the given rotation intervals applied
// to both files, keeping every rotated file.
func shortSoak(t *testing.T, rotateEvery, copytruncateEvery time.Duration) (*report, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the exporter")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	bin := exporterBinary(t, ctx)
	o := options{
		duration: 3 * time.Second, rate: 600, mix: [3]float64{30, 50, 20},
		rotateEvery: rotateEvery, copytruncateEvery: copytruncateEvery, rotateTarget: "both",
		reopenDelay: 150 * time.Millisecond, keep: 100, tick: 10 * time.Millisecond,
		exporterBin: bin, dir: dir, settle: 6 * time.Second, maxWait: 15 * time.Second,
	}
	r, err := soak(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.print(&out)
	if got := r.errorLog.written() + r.accessLog.written() + r.syslog.written(); got != 1800 {
		t.Errorf("written = %d, want exactly 3 s × 600 lines/s = 1800", got)
	}
	for _, w := range r.files { // the tool's own accounting: every line it counted is on disk, once
		if onDisk := linesInFiles(t, w.src.path+"*"); onDisk != w.src.written() {
			t.Errorf("%s: %d lines in the files, %d counted as written", w.src.name, onDisk, w.src.written())
		}
	}
	if len(r.samples) != 3 || r.samples[2].rssKiB == 0 || r.samples[2].cpuSecs <= 0 {
		t.Errorf("samples = %+v, want start, middle and end with RSS and CPU", r.samples)
	}
	return r, out.String()
}

var (
	buildOnce sync.Once
	buildDir  string
	builtBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// exporterBinary builds the exporter once for all tests of the package.
func exporterBinary(t *testing.T, ctx context.Context) string {
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "soak-test-"); buildErr == nil {
			builtBin, buildErr = buildExporter(ctx, buildDir)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// linesInFiles counts the lines of the files a glob matches.
func linesInFiles(t *testing.T, glob string) uint64 {
	t.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			n++
		}
		f.Close()
	}
	return n
}

// Rename rotations of both files, the writer keeping the old file open a
// while after each: the exporter's counts match exactly, and the report
// says so.
func TestSoakCountsMatchAcrossRenameRotations(t *testing.T) {
	r, out := shortSoak(t, 700*time.Millisecond, 0)
	if r.mismatches() != 0 || !strings.Contains(out, "PASS: all") {
		t.Fatalf("counts differ:\n%s", out)
	}
	for _, w := range r.files {
		if w.renames < 3 || w.oldFileLines == 0 {
			t.Errorf("%s: %d renames, %d lines after a rename: the rotations did not happen\n%s", w.src.name, w.renames, w.oldFileLines, out)
		}
		if rot := r.metric("badgateway_log_rotations_total", w.src.path); rot != float64(w.renames) {
			t.Errorf("%s: the exporter saw %v rotations, %d were made", w.src.name, rot, w.renames)
		}
	}
}

// Copytruncates (and renames) of both files: the tool makes them without
// losing a line of its own, the exporter notices the truncations and never
// counts more than was written. Whether it counts every line is what the
// soak measures: a tailer that had not read the last lines before the
// truncation loses them (logged here, not failed).
func TestSoakCopytruncate(t *testing.T) {
	r, out := shortSoak(t, 1100*time.Millisecond, 700*time.Millisecond)
	for _, w := range r.files {
		if w.truncations < 3 || w.renames < 1 {
			t.Errorf("%s: %d copytruncates, %d renames: the rotations did not happen\n%s", w.src.name, w.truncations, w.renames, out)
		}
		// A file truncated before the exporter read any of it is no
		// truncation to the exporter (nothing to rewind): it may see fewer.
		if tr := r.metric("badgateway_log_truncations_total", w.src.path); tr < 1 || tr > float64(w.truncations) {
			t.Errorf("%s: the exporter saw %v truncations, %d were made", w.src.name, tr, w.truncations)
		}
	}
	for _, c := range r.checks {
		if c.got > c.want {
			t.Errorf("%s: counted %v, only %v written", c.selector(), c.got, c.want)
		}
	}
	if r.mismatches() != 0 {
		t.Logf("the exporter lost lines across copytruncate:\n%s", out)
	}
}
