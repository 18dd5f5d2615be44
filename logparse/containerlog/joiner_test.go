package containerlog

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// feed runs lines through a joiner and returns what came out, one string
// per message ("stdout|text", "+cut" and "(N parts)" when so), and the
// errors by line index.
func feed(j *Joiner, lines ...string) (got []string, errs map[int]error) {
	errs = map[int]error{}
	for i, l := range lines {
		msg, ok, err := j.Line([]byte(l))
		if err != nil {
			errs[i] = err
			continue
		}
		if !ok {
			continue
		}
		s := msg.Stream.String() + "|" + string(msg.Text)
		if msg.Parts > 1 {
			s += fmt.Sprintf(" (%d parts)", msg.Parts)
		}
		if msg.Cut {
			s += " +cut"
		}
		got = append(got, s)
	}
	return got, errs
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestCRIRealLines(t *testing.T) {
	got, errs := feed(NewJoiner(CRI, 0),
		// The example in the comment of parseCRILog, kubernetes
		// pkg/kubelet/kuberuntime/logs/logs.go.
		"2016-10-06T00:17:09.669794202Z stdout P log content 1",
		"2016-10-06T00:17:09.669794203Z stderr F log content 2",
		// The Promtail cri stage's documented example
		// (grafana.com/docs/loki/latest/send-data/promtail/stages/cri/).
		"2019-04-30T02:12:41.8443515Z stdout F message",
		// An ingress-nginx controller's stdout and stderr as containerd
		// writes them (the nginx lines: the ingress-nginx log-format docs
		// and nginx's error-log format).
		`2024-03-01T10:15:02.123456789Z stdout F 192.0.2.10 - - [01/Mar/2024:10:15:02 +0000] "GET /api HTTP/1.1" 502 150 "-" "curl/8.5.0" 78 0.002 [shop-web-80] [] 10.244.1.7:8080 0 0.001 502 4f2c6e0d1b2a3c4d5e6f708192a3b4c5`,
		`2024-03-01T10:15:02.123456789+01:00 stderr F 2024/03/01 10:15:02 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop.example.com`,
		"2024-03-01T10:15:03Z stdout F ", // an empty line
		"2024-03-01T10:15:03Z stdout F:x future tag fields are ignored",
	)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	equal(t, got, []string{
		"stderr|log content 2",
		"stdout|log content 1message (2 parts)", // the P line's stdout continues here
		`stdout|192.0.2.10 - - [01/Mar/2024:10:15:02 +0000] "GET /api HTTP/1.1" 502 150 "-" "curl/8.5.0" 78 0.002 [shop-web-80] [] 10.244.1.7:8080 0 0.001 502 4f2c6e0d1b2a3c4d5e6f708192a3b4c5`,
		`stderr|2024/03/01 10:15:02 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop.example.com`,
		"stdout|",
		"stdout|future tag fields are ignored",
	})
}

// The parts of a long line are joined per stream, whatever the other
// stream writes in between, and across reads (the joiner keeps them).
func TestCRIJoinsPartsPerStream(t *testing.T) {
	j := NewJoiner(CRI, 0)
	got, _ := feed(j,
		"2024-03-01T10:15:02.1Z stdout P GET /a",
		"2024-03-01T10:15:02.1Z stderr P err",
		"2024-03-01T10:15:02.2Z stderr F or line",
	)
	equal(t, got, []string{"stderr|error line (2 parts)"})
	if j.Pending() != len("GET /a") {
		t.Fatalf("pending %d bytes, want %d", j.Pending(), len("GET /a"))
	}
	got, _ = feed(j, // a later read
		"2024-03-01T10:15:02.3Z stdout P bcdef",
		"2024-03-01T10:15:02.4Z stdout F gh HTTP/1.1",
		"2024-03-01T10:15:02.5Z stdout F next",
	)
	equal(t, got, []string{"stdout|GET /abcdefgh HTTP/1.1 (3 parts)", "stdout|next"})
	if j.Pending() != 0 {
		t.Fatalf("pending %d bytes after the F lines", j.Pending())
	}
}

// An endless run of P lines holds at most the limit, and the message that
// finally ends is cut there and says so.
func TestCRIEndlessPartsAreBounded(t *testing.T) {
	j := NewJoiner(CRI, 1000)
	part := "2024-03-01T10:15:02Z stdout P " + strings.Repeat("x", 300)
	for i := range 100_000 {
		if _, ok, err := j.Line([]byte(part)); ok || err != nil {
			t.Fatalf("part %d: ok=%v err=%v", i, ok, err)
		}
		if j.Pending() > 1000 {
			t.Fatalf("after %d parts the joiner holds %d bytes", i+1, j.Pending())
		}
	}
	if c := cap(j.pending[Stdout].buf); c > 2048 {
		t.Fatalf("buffer grew to %d bytes", c)
	}
	got, _ := feed(j, "2024-03-01T10:15:02Z stdout F end", "2024-03-01T10:15:02Z stdout F short")
	equal(t, got, []string{"stdout|" + strings.Repeat("x", 1000) + " (100001 parts) +cut", "stdout|short"})
	// One unsplit line longer than the limit is cut too.
	got, _ = feed(j, "2024-03-01T10:15:02Z stderr F "+strings.Repeat("y", 1500))
	equal(t, got, []string{"stderr|" + strings.Repeat("y", 1000) + " +cut"})
}

func TestCRIHostileLines(t *testing.T) {
	cases := map[string]error{
		"":                                          ErrNoTimestamp,
		"garbage":                                   ErrNoTimestamp,
		"2024-03-01T10:15:02Z":                      ErrNoTimestamp,
		"2024-03-01T10:15:02Z stdout":               ErrBadStream,
		"2024-03-01T10:15:02Z stdout F":             ErrNoTag,
		"2024-03-01T10:15:02Z stdin F x":            ErrBadStream,
		"2024-03-01T10:15:02Z stdout X x":           ErrBadTag,
		"2024-03-01T10:15:02Z stdout  x":            ErrBadTag,
		"2024-13-01T10:15:02Z stdout F x":           ErrBadTimestamp,
		"2024-03-00T10:15:02Z stdout F x":           ErrBadTimestamp,
		"2024-03-01T24:15:02Z stdout F x":           ErrBadTimestamp,
		"2024-03-01 10:15:02Z stdout F x":           ErrBadTimestamp,
		"2024-03-01T10:15:02 stdout F x":            ErrBadTimestamp,
		"2024-03-01T10:15:02.Z stdout F x":          ErrBadTimestamp,
		"2024-03-01T10:15:02+1:00 stdout F x":       ErrBadTimestamp,
		"2024-03-01T10:15:02ZZ stdout F x":          ErrBadTimestamp,
		"\xff\xfe-03-01T10:15:02Z stdout F x":       ErrBadTimestamp,
		"2024-03-01T10:15:02Z std\xffout F x":       ErrBadStream,
		"2024/03/01 10:15:02 [error] 1#1: *1 x":     ErrBadTimestamp, // a plain nginx line
		`{"log":"x\n","stream":"stdout","time":""}`: ErrNoTimestamp,
	}
	for line, want := range cases {
		j := NewJoiner(CRI, 0)
		j.Line([]byte("2024-03-01T10:15:02Z stdout P kept"))
		_, ok, err := j.Line([]byte(line))
		if !errors.Is(err, want) || ok {
			t.Errorf("%q: ok=%v err=%v, want %v", line, ok, err, want)
		}
		if j.Pending() != len("kept") { // a bad line drops nothing being joined
			t.Errorf("%q: pending %d", line, j.Pending())
		}
	}
	// Invalid UTF-8 in the message is passed through: the parsers and the
	// label governor deal with it.
	got, _ := feed(NewJoiner(CRI, 0), "2024-03-01T10:15:02Z stderr F bad \xff\xfe utf8")
	equal(t, got, []string{"stderr|bad \xff\xfe utf8"})
}

func TestParseWrapper(t *testing.T) {
	for _, w := range []Wrapper{CRI, DockerJSON} {
		if got, err := ParseWrapper(w.String()); err != nil || got != w {
			t.Errorf("%v: %v %v", w, got, err)
		}
	}
	if _, err := ParseWrapper("json"); err == nil || !strings.Contains(err.Error(), "cri, docker_json") {
		t.Errorf("unknown wrapper: %v", err)
	}
}
