package nginxtest_test

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

var update = flag.Bool("update", false, "rewrite "+testdataLog+" from a real nginx run")

const testdataLog = "testdata/nginx-1.22-error.log"

// scenario is one upstream failure provoked through nginx.
type scenario struct {
	name   string
	prime  string   // requested first, expecting 502 (e.g. to mark servers down)
	path   string   // the request whose error-log line is checked
	status int      // what the client gets
	want   []string // substrings of that line
}

var scenarios = []scenario{
	{name: "connection_refused", path: "/refused", status: 502,
		want: []string{"[error]", "connect() failed (111: Connection refused) while connecting to upstream"}},
	{name: "premature_close", path: "/premature", status: 502,
		want: []string{"[error]", "upstream prematurely closed connection while reading response header from upstream"}},
	{name: "read_timeout", path: "/timeout", status: 504,
		want: []string{"[error]", "upstream timed out (110: Connection timed out) while reading response header from upstream"}},
	{name: "socket_not_found", path: "/nosocket", status: 502,
		want: []string{"[crit]", "connect() to unix:", "missing.sock failed (2: No such file or directory) while connecting to upstream"}},
	{name: "no_live_upstreams", prime: "/nolive?first", path: "/nolive?second", status: 502,
		want: []string{"[error]", "no live upstreams while connecting to upstream", `upstream: "http://grp/nolive?second"`}},
	{name: "tls_handshake_failed", path: "/tls", status: 502,
		want: []string{"SSL_do_handshake() failed", "while SSL handshaking to upstream"}},
	{name: "connection_reset", path: "/reset", status: 502,
		want: []string{"[error]", "recv() failed (104: Connection reset by peer) while reading response header from upstream"}},
	{name: "header_too_big", path: "/huge", status: 502,
		want: []string{"[error]", "upstream sent too big header while reading response header from upstream"}},
	{name: "invalid_header", path: "/invalid", status: 502,
		want: []string{"[error]", "upstream sent invalid header", "while reading response header from upstream"}},
}

const scenarioConfig = `
upstream grp {
    server %[1]s max_fails=1 fail_timeout=30s;
    server %[2]s max_fails=1 fail_timeout=30s;
}

server {
    listen {{listen}};
    server_name nginxtest;

    location = /refused   { proxy_pass http://%[3]s; }
    location = /premature { proxy_pass http://%[4]s; }
    location = /timeout   { proxy_pass http://%[5]s; proxy_read_timeout 1s; }
    location = /nosocket  { proxy_pass http://unix:{{dir}}/missing.sock:; }
    location = /nolive    { proxy_pass http://grp; }
    location = /tls       { proxy_pass https://%[6]s; }
    location = /reset     { proxy_pass http://%[7]s; }
    location = /huge      { proxy_pass http://%[8]s; }
    location = /invalid   { proxy_pass http://%[9]s; }
    location = /ok        { proxy_pass http://%[6]s; }
}
`

// requestMark identifies the error-log lines of one request.
func requestMark(path string) string {
	return fmt.Sprintf(`request: "GET %s HTTP/1.1"`, path)
}

func get(t *testing.T, ngx *nginxtest.Nginx, path string, want int) {
	t.Helper()
	status, body, err := ngx.Get(path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if status != want {
		t.Fatalf("GET %s: status %d, want %d; body %q", path, status, want, body)
	}
}

// TestScenarios provokes every upstream failure the exporter classifies and
// checks the line nginx writes for it.
func TestScenarios(t *testing.T) {
	ok := backend.HTTPOK(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(scenarioConfig,
		backend.ClosedPort(t), backend.ClosedPort(t),
		backend.ClosedPort(t),
		backend.AcceptAndClose(t),
		backend.NeverAnswer(t),
		ok,
		backend.ResetAfterRequest(t),
		backend.HugeHeader(t),
		backend.InvalidHeader(t),
	))

	t.Run("ok", func(t *testing.T) {
		status, body, err := ngx.Get("/ok")
		if err != nil || status != 200 || body != "ok" {
			t.Fatalf("GET /ok: %d %q %v; want 200 \"ok\"", status, body, err)
		}
	})
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if sc.prime != "" {
				get(t, ngx, sc.prime, 502)
				if _, err := ngx.WaitErrorLog(requestMark(sc.prime)); err != nil {
					t.Fatal(err)
				}
			}
			get(t, ngx, sc.path, sc.status)
			line, err := ngx.WaitErrorLog(append([]string{requestMark(sc.path)}, sc.want...)...)
			if err != nil {
				all, _ := ngx.ErrorLogLines()
				t.Fatalf("%v\nerror log:\n%s", err, strings.Join(all, "\n"))
			}
			t.Logf("line: %s", line)
			for _, p := range []string{sc.prime, sc.path} {
				if p == "" {
					continue
				}
				lines, _ := ngx.ErrorLogLines(requestMark(p))
				for _, l := range lines {
					t.Logf("GET %s: %s", p, l)
				}
			}
		})
	}

	if *update {
		// Stop first, so that the example log has the shutdown lines too.
		if err := ngx.Stop(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(ngx.ErrorLogPath())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(testdataLog, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", testdataLog)
	}
}

// TestTestdata checks that the example log has a line for every scenario.
func TestTestdata(t *testing.T) {
	b, err := os.ReadFile(testdataLog)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for _, sc := range scenarios {
		found := false
		for _, l := range lines {
			if strings.Contains(l, requestMark(sc.path)) && containsAll(l, sc.want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s has no %s line (%q); regenerate with go test ./internal/nginxtest -run TestScenarios -update",
				testdataLog, sc.name, sc.want)
		}
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// TestReopen rotates the error log the way logrotate does (rename, then
// reopen) and checks that the next error goes to the new file.
func TestReopen(t *testing.T) {
	ngx := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen {{listen}};
    location / { proxy_pass http://%s; }
}
`, backend.ClosedPort(t)))
	const refused = "(111: Connection refused) while connecting to upstream"

	get(t, ngx, "/before", 502)
	if _, err := ngx.WaitErrorLog(requestMark("/before"), refused); err != nil {
		t.Fatal(err)
	}
	rotated := ngx.ErrorLogPath() + ".1"
	if err := os.Rename(ngx.ErrorLogPath(), rotated); err != nil {
		t.Fatal(err)
	}
	if err := ngx.Reopen(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ngx.ErrorLogPath()); err != nil {
		t.Fatalf("no new error log after Reopen: %v", err)
	}
	get(t, ngx, "/after", 502)
	line, err := ngx.WaitErrorLog(requestMark("/after"), refused)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("new %s: %s", filepath.Base(ngx.ErrorLogPath()), line)

	old, err := os.ReadFile(rotated)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(old), "/after") {
		t.Errorf("request after Reopen logged to the rotated file:\n%s", old)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(old)), "\n") {
		if strings.Contains(l, "reopen") || strings.Contains(l, "/before") {
			t.Logf("%s: %s", filepath.Base(rotated), l)
		}
	}
	cur, _ := ngx.ErrorLogLines()
	if len(cur) == 0 || strings.Contains(strings.Join(cur, "\n"), "/before") {
		t.Errorf("new error log has unexpected content:\n%s", strings.Join(cur, "\n"))
	}
	for _, l := range cur {
		t.Logf("%s: %s", filepath.Base(ngx.ErrorLogPath()), l)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, like the real one.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// startFailure runs Start and returns the message it failed with.
func startFailure(t *testing.T, httpConfig string) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan *nginxtest.Nginx, 1)
	go func() {
		defer close(done)
		done <- nginxtest.Start(r, httpConfig)
	}()
	select {
	case n := <-done:
		if n != nil {
			t.Fatalf("Start succeeded with %q", httpConfig)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Start did not return within 30s")
	}
	return r.msg
}

func TestStartFailures(t *testing.T) {
	nginxtest.RequireBinary(t)
	t.Run("config_error", func(t *testing.T) {
		msg := startFailure(t, "server { listen {{listen}}; bogus_directive on; }")
		t.Logf("Start failed with:\n%s", msg)
		if !strings.Contains(msg, `unknown directive "bogus_directive"`) {
			t.Errorf("message lacks the nginx error:\n%s", msg)
		}
	})
	t.Run("address_in_use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		start := time.Now()
		msg := startFailure(t, fmt.Sprintf("server { listen {{listen}}; } server { listen %s; }", ln.Addr()))
		if !strings.Contains(msg, "(98: Address already in use)") {
			t.Errorf("message lacks the bind error:\n%s", msg)
		}
		t.Logf("gave up after %v", time.Since(start))
	})
	t.Run("not_loopback", func(t *testing.T) {
		msg := startFailure(t, "server { listen {{listen}}; } server { listen 8080; }")
		if !strings.Contains(msg, "not loopback") {
			t.Errorf("unexpected message:\n%s", msg)
		}
	})
}
