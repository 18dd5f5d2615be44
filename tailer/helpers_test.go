package tailer

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recorder is a Handler writing a transcript: lines as they are, events as
// "<kind>". Tests compare transcripts exactly, so a line lost or delivered
// twice, or an event out of place, fails them.
type recorder struct {
	got    []string
	events []Event
}

func (r *recorder) Line(l []byte) { r.got = append(r.got, string(l)) }

func (r *recorder) Event(ev Event) {
	r.events = append(r.events, ev)
	r.got = append(r.got, "<"+ev.Kind.String()+">")
}

func (r *recorder) take() []string {
	got := r.got
	r.got = nil
	return got
}

// fixture is a temp dir, a clock the test advances, and an open that fails
// as told for chosen paths (the tests run as root, where chmod does not deny
// anything).
type fixture struct {
	t       *testing.T
	dir     string
	now     time.Time
	openErr map[string]syscall.Errno
	e       env
}

func newFixture(t *testing.T) *fixture {
	fx := &fixture{t: t, dir: t.TempDir(), now: time.Unix(1_700_000_000, 0), openErr: map[string]syscall.Errno{}}
	fx.e = env{
		open: func(name string) (*os.File, error) {
			if errno := fx.openErr[name]; errno != 0 {
				return nil, &fs.PathError{Op: "open", Path: name, Err: errno}
			}
			return os.Open(name)
		},
		stat: os.Stat,
		glob: filepath.Glob,
		now:  func() time.Time { return fx.now },
	}
	return fx
}

func (fx *fixture) path(name string) string { return filepath.Join(fx.dir, name) }

func (fx *fixture) options(o Options) Options {
	o.Logger = slog.New(slog.DiscardHandler)
	o, err := o.withDefaults()
	if err != nil {
		fx.t.Fatal(err)
	}
	return o
}

// follow sets up a group of one fixed path, without a goroutine: the
// follower's state machine alone (a Group's followers come from its globs).
func (fx *fixture) follow(name string, o Options) (*group, *recorder) {
	o = fx.options(o)
	rec := &recorder{}
	g := newGroup(o, nil, nil, fx.e)
	g.add(newFollower(g, fx.path(name), rec, o.FromBeginning))
	return g, rec
}

// followGlobs sets up what FollowGroup runs; handlers are recorded by path.
func (fx *fixture) followGlobs(o Options, globs ...string) (*group, map[string]*recorder) {
	recs := map[string]*recorder{}
	for i, g := range globs {
		globs[i] = fx.path(g)
	}
	g := newGlobGroup(GroupOptions{Options: fx.options(o), Globs: globs}, func(p string) Handler {
		if recs[p] != nil {
			fx.t.Errorf("second handler for %s", p)
		}
		recs[p] = &recorder{}
		return recs[p]
	}, fx.e)
	return g, recs
}

// poll runs rounds until everything available was read, as the runner does.
func (fx *fixture) poll(g *group) {
	fx.t.Helper()
	for i := 0; g.round(readBudget); i++ {
		if i > 1000 {
			fx.t.Fatal("poll does not converge")
		}
	}
}

func (fx *fixture) advance(d time.Duration) { fx.now = fx.now.Add(d) }

// append opens, appends s, and closes, like a short-lived writer.
func (fx *fixture) append(name, s string) {
	fx.t.Helper()
	f := fx.writer(name)
	write(fx.t, f, s)
	if err := f.Close(); err != nil {
		fx.t.Fatal(err)
	}
}

// writer opens name for appending and keeps it open, like nginx does.
func (fx *fixture) writer(name string) *os.File {
	fx.t.Helper()
	f, err := os.OpenFile(fx.path(name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fx.t.Fatal(err)
	}
	fx.t.Cleanup(func() { f.Close() })
	return f
}

func (fx *fixture) rename(from, to string) {
	fx.t.Helper()
	if err := os.Rename(fx.path(from), fx.path(to)); err != nil {
		fx.t.Fatal(err)
	}
}

func (fx *fixture) remove(name string) {
	fx.t.Helper()
	if err := os.Remove(fx.path(name)); err != nil {
		fx.t.Fatal(err)
	}
}

func write(t *testing.T, f *os.File, s string) {
	t.Helper()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// expect checks the transcript since the last expect.
func expect(t *testing.T, r *recorder, want ...string) {
	t.Helper()
	got := r.take()
	if !slices.Equal(got, want) {
		t.Fatalf("transcript:\n got  %q\n want %q", got, want)
	}
}

// lines returns "prefix-0".."prefix-(n-1)" and the text of those lines.
func lines(prefix string, n int) ([]string, string) {
	var ls []string
	var b strings.Builder
	for i := range n {
		l := fmt.Sprintf("%s-%d", prefix, i)
		ls = append(ls, l)
		b.WriteString(l + "\n")
	}
	return ls, b.String()
}
