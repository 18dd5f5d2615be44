package logwindow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testNow is the end of the windows of the crafted logs.
var testNow = time.Date(2026, 12, 2, 3, 30, 0, 0, time.UTC)

func nginxStamp(t time.Time) string { return t.UTC().Format("2006/01/02 15:04:05") }

func refusedLine(t time.Time, upstream string) string {
	return fmt.Sprintf(`%s [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://%s/", host: "x"`, nginxStamp(t), upstream)
}

func readTimeoutLine(t time.Time, upstream string) string {
	return fmt.Sprintf(`%s [error] 31#31: *8 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /slow HTTP/1.1", upstream: "http://%s/slow", host: "x"`, nginxStamp(t), upstream)
}

func noticeLine(t time.Time) string {
	return nginxStamp(t) + ` [notice] 1#1: signal process started`
}

// writeLog writes lines, each ended by '\n', to dir/name.
func writeLog(tb testing.TB, dir, name string, lines []string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func readOne(tb testing.TB, f File, since time.Duration) Result {
	tb.Helper()
	return Read([]File{f}, Options{Since: since, Now: testNow, Location: time.UTC})
}

func mustUpstream(tb testing.TB, s *Summary, name string) *Upstream {
	tb.Helper()
	u := s.Upstream(name)
	if u == nil {
		var names []string
		for _, u := range s.Upstreams {
			names = append(names, u.Name)
		}
		tb.Fatalf("no upstream %q in the summary; have %q", name, names)
	}
	return u
}
