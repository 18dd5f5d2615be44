package s3source

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
	"github.com/badgateway/badgateway_exporter/positions"
)

// A process killed (SIGKILL) between two objects, after saving its
// position, is restarted: the new process reads exactly the objects after
// the last one saved, none twice, none lost.
func TestKilledBetweenObjectsRestartsAfterLastKey(t *testing.T) {
	srv := s3test.Start(t, bucket)
	var keys []string
	for i := range 8 {
		day := "2026/12/01"
		if i >= 4 { // the restart crosses into the next day's folder
			day = "2026/12/02"
		}
		k := albKey(day, fmt.Sprintf("%02d%02d", 20+i/2, 5*i), "10.0.1.7")
		keys = append(keys, k)
		srv.Put(t, bucket, k, s3test.Gzip(t, linesOf(k, 100+i)...))
	}
	posFile := filepath.Join(t.TempDir(), "positions.json")
	killAt := keys[2]

	run1 := runChild(t, srv.URL, posFile, "kill="+killAt)
	run2 := runChild(t, srv.URL, posFile, "exit="+keys[len(keys)-1])

	want := func(ks []string) (lines, done []string) {
		for i, k := range keys {
			if slices.Contains(ks, k) {
				lines = append(lines, linesOf(k, 100+i)...)
				done = append(done, k)
			}
		}
		return
	}
	lines1, done1 := want(keys[:3])
	lines2, done2 := want(keys[3:])
	if !slices.Equal(run1.done, done1) || !slices.Equal(run1.lines, lines1) {
		t.Errorf("run 1 (killed after saving %s): done %q, %d lines; want %q, %d lines", killAt, run1.done, len(run1.lines), done1, len(lines1))
	}
	if !slices.Equal(run2.done, done2) || !slices.Equal(run2.lines, lines2) {
		t.Errorf("run 2 (restarted): done %q, %d lines; want %q, %d lines", run2.done, len(run2.lines), done2, len(lines2))
	}
}

type childRun struct{ lines, done []string }

// runChild runs TestCrashChild in a new process until it says "saved K"
// for the key of until (kill=K: then SIGKILL; exit=K: it exits itself).
func runChild(t *testing.T, url, posFile, until string) childRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), "S3SOURCE_CHILD_URL="+url, "S3SOURCE_CHILD_POSITIONS="+posFile, "S3SOURCE_CHILD_UNTIL="+until)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	kill, key, _ := strings.Cut(until, "=")
	timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	var run childRun
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		what, arg, _ := strings.Cut(sc.Text(), " ")
		switch what {
		case "line":
			run.lines = append(run.lines, arg)
		case "done":
			run.done = append(run.done, arg)
		case "saved":
			if arg == key && kill == "kill" {
				cmd.Process.Kill() // it waits, between two objects
				return run
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	return run
}

// printer prints what it is given, for the parent test.
type printer struct{ w *bufio.Writer }

func (p printer) Line(line []byte) { fmt.Fprintf(p.w, "line %s\n", line) }
func (p printer) ObjectDone(key string) {
	fmt.Fprintf(p.w, "done %s\n", key)
	p.w.Flush()
}

// TestCrashChild is the process TestKilledBetweenObjectsRestartsAfterLastKey
// kills and restarts; it does nothing on its own.
func TestCrashChild(t *testing.T) {
	url := os.Getenv("S3SOURCE_CHILD_URL")
	if url == "" {
		t.Skip("run by TestKilledBetweenObjectsRestartsAfterLastKey")
	}
	s3test.Env(t)
	store, err := positions.Open(os.Getenv("S3SOURCE_CHILD_POSITIONS"))
	if err != nil {
		t.Fatal(err)
	}
	const src = "s3://" + bucket + "/"
	pos, resume := store.LookupS3(src)
	last, done := pos.Keys()
	client, err := NewClient(context.Background(), ClientConfig{Endpoint: url, ForcePathStyle: true, HTTPClient: s3test.LoopbackOnly(t)})
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(os.Stdout)
	action, until, _ := strings.Cut(os.Getenv("S3SOURCE_CHILD_UNTIL"), "=")
	finished := make(chan struct{})
	src3 := Start(client, Options{
		Bucket: bucket, PollInterval: 100 * time.Millisecond, MaxConcurrency: 4,
		Start: Position{LastKey: last, Done: done}, Resume: resume, FromBeginning: true, Metrics: NewMetrics(prometheus.NewRegistry()),
		Save: func(p Position) error {
			if err := store.SaveS3(src, positions.NewS3Position(p.LastKey, p.Done)); err != nil {
				return err
			}
			key := p.LastKey
			fmt.Fprintf(out, "saved %s\n", key)
			out.Flush()
			if key == until {
				if action == "kill" {
					select {} // killed here
				}
				close(finished)
			}
			return nil
		},
	}, printer{out})
	<-finished
	src3.Close()
	store.Close()
}
