package nginxaccess

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fmtApacheBalancer is combined plus the worker and the time in µs, as the
// README suggests for Apache's access log.
const fmtApacheBalancer = `%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %{BALANCER_WORKER_NAME}e %D %v`

func TestApacheAccessLines(t *testing.T) {
	cases := []struct {
		name, format, line       string
		status, server, attempts string
		generated, guessed       bool
		requestTime              float64
		fields                   map[string]string
	}{
		{name: "balancer 200", format: fmtApacheBalancer, status: "200", server: "shop.test", requestTime: 0.001234,
			line:     `127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /ok HTTP/1.1" 200 2 "-" "curl/8.5.0" http://127.0.0.1:8081 1234 shop.test`,
			attempts: "127.0.0.1:8081 200 0.001234/-/-"},
		{name: "balancer refused: Apache's 503", format: fmtApacheBalancer, status: "503", server: "shop.test", guessed: true,
			requestTime: 0.000318,
			line:        `127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /x HTTP/1.1" 503 299 "-" "curl/8.5.0" http://127.0.0.1:8082/app 318 shop.test`,
			attempts:    "127.0.0.1:8082 503 0.000318/-/-"},
		{name: "502 is guessed generated", format: fmtApacheBalancer, status: "502", server: "shop.test", generated: true, guessed: true,
			requestTime: 2,
			line:        `::1 - bob [02/Dec/2026:16:40:01 +0000] "POST /a HTTP/1.1" 502 - "https://r/" "M \"q\" \\" unix:/run/app.sock|http://localhost/ 2000000 shop.test`,
			attempts:    "unix:/run/app.sock 502 2/-/-",
			fields:      map[string]string{"http_user_agent": `M \"q\" \\`, "remote_user": "bob", "body_bytes_sent": "-"}},
		{name: "no balancer worker", format: fmtApacheBalancer, status: "504", server: "shop.test", generated: true, guessed: true,
			requestTime: 60,
			line:        `10.0.0.9 - - [02/Dec/2026:16:40:01 +0000] "GET / HTTP/1.1" 504 247 "-" "-" - 60000000 shop.test`},
		{name: "combined nickname", format: "combined", status: "404", requestTime: -1,
			line:   `203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`,
			fields: map[string]string{"request": "GET /apache_pb.gif HTTP/1.0", "time_local": "10/Oct/2000:13:55:36 -0700"}},
		{name: "common nickname", format: "common", status: "200", requestTime: -1,
			line: `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 -`},
		{name: "vhost_combined: %v:%p", format: "vhost_combined", status: "301", server: "www.example.com", requestTime: -1,
			line: `www.example.com:443 198.51.100.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 301 520 "-" "curl/8"`},
		{name: "%V when no %v, %{ms}T", format: `%V %>s %{ms}T "%r"`, status: "200", server: "h.test", requestTime: 0.012,
			line: `h.test 200 12 "GET / HTTP/1.1"`},
		{name: "%T seconds", format: `%>s %T`, status: "500", requestTime: 3, guessed: true, line: `500 3`},
		{name: "%s alone is the status", format: `%s "%r"`, status: "404", requestTime: -1, line: `404 "GET / HTTP/1.1"`},
		{name: "%>s beats %s", format: `%s %>s`, status: "503", requestTime: -1, guessed: true, line: `200 503`,
			fields: map[string]string{"apache_original_status": "200"}},
		{name: "%{us}T and a status condition", format: `%>s %{us}T %400,501{User-agent}i %!200{Referer}i 100%%`,
			status: "200", requestTime: 0.000007, line: `200 7 - - 100%`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := CompileApache(c.format)
			if err != nil {
				t.Fatal(err)
			}
			var rec Record
			if err := p.Parse([]byte(c.line), &rec); err != nil {
				t.Fatalf("%v\n%s", err, c.line)
			}
			if string(rec.Status) != c.status || string(rec.ServerName) != c.server {
				t.Errorf("status %q server %q, want %q %q", rec.Status, rec.ServerName, c.status, c.server)
			}
			if got := formatAttempts(rec.Attempts); got != c.attempts {
				t.Errorf("attempts %q, want %q", got, c.attempts)
			}
			if rec.Generated != c.generated || rec.GeneratedGuessed != c.guessed {
				t.Errorf("generated %v guessed %v, want %v %v", rec.Generated, rec.GeneratedGuessed, c.generated, c.guessed)
			}
			if d := rec.RequestTime - c.requestTime; d > 1e-9 || d < -1e-9 {
				t.Errorf("request time %v, want %v", rec.RequestTime, c.requestTime)
			}
			for k, v := range c.fields {
				if got := string(rec.Field(k)); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestApacheLogFormatErrors(t *testing.T) {
	for format, want := range map[string]string{
		"":                               "empty format",
		"   ":                            "empty format",
		`%h %Z`:                          "unknown directive %Z",
		`%h "%{Referer"`:                 "closing brace",
		`%h %i`:                          "%i needs a name",
		`%h %{}e`:                        "%{}e needs a name",
		`%>s %{min}T`:                    `unknown unit "min"`,
		`%h%u`:                           "%h and %u have no literal text",
		`%>s %`:                          "ends without a directive letter",
		`%>s %^tx`:                       "unknown directive",
		`%>s %{BALANCER_WORKER_NAME}e%D`: "%{BALANCER_WORKER_NAME}e and %D",
	} {
		_, err := CompileApache(format)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CompileApache(%q) = %v, want an error with %q", format, err, want)
		}
	}
}

// A line that does not match names the Apache directive.
func TestApacheMismatchNamesDirective(t *testing.T) {
	p, err := CompileApache(fmtApacheBalancer)
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	err = p.Parse([]byte(`127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET / HTTP/1.1" abc 2 "-" "-" - 1 h`), &rec)
	var mm *LogFormatMismatch
	if !errors.As(err, &mm) || mm.Variable != "%>s" {
		t.Fatalf("err %v (%#v), want a mismatch at %%>s", err, mm)
	}
}

// Hostile lines: cut short, huge, invalid UTF-8, only quotes; none may
// panic, and none matches by accident.
func TestApacheHostileLines(t *testing.T) {
	p, err := CompileApache(fmtApacheBalancer)
	if err != nil {
		t.Fatal(err)
	}
	good := `127.0.0.1 - - [02/Dec/2026:16:40:01 +0000] "GET /ok HTTP/1.1" 200 2 "-" "curl/8.5.0" http://127.0.0.1:8081 1234 shop.test`
	var rec Record
	for i := 0; i < len(good); i++ {
		_ = p.Parse([]byte(good[:i]), &rec) // every cut
	}
	huge := strings.Replace(good, "/ok", "/"+strings.Repeat("\"a", 1<<19), 1)
	hostile := []string{
		huge, strings.Repeat(`"`, 1<<20), "\xff\xfe\xfd", strings.Replace(good, "curl", "\xc3\x28\xa0\xa1", 1),
		strings.Repeat(`- `, 100000), "\x00\x00\x00",
	}
	for _, l := range hostile {
		if err := p.Parse([]byte(l), &rec); err == nil && !bytes.Contains([]byte(l), []byte("\xc3\x28")) {
			t.Errorf("hostile line of %d bytes matched", len(l))
		}
	}
	// invalid UTF-8 inside a quoted value still matches: the bytes are kept
	if err := p.Parse([]byte(hostile[3]), &rec); err != nil || string(rec.Status) != "200" {
		t.Errorf("invalid UTF-8 in the user agent: %v, status %q", err, rec.Status)
	}
}

func TestApacheParseAllocatesNothing(t *testing.T) {
	p, err := CompileApache(fmtApacheBalancer)
	if err != nil {
		t.Fatal(err)
	}
	lines := benchApacheLines()
	var rec Record
	for _, l := range lines {
		if err := p.Parse(l, &rec); err != nil {
			t.Fatalf("%v\n%s", err, l)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		for _, l := range lines {
			_ = p.Parse(l, &rec)
		}
	}); n != 0 {
		t.Errorf("%v allocs per run of %d lines, want 0", n, len(lines))
	}
}

func TestApacheLogFormatNicknames(t *testing.T) {
	for _, n := range []string{"common", "combined", "combinedio", "vhost_combined", "referer", "agent"} {
		f, ok := ApacheLogFormat(n)
		if !ok {
			t.Fatalf("no nickname %s", n)
		}
		if _, err := CompileApache(f); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, ok := ApacheLogFormat("main"); ok {
		t.Error("main is nginx's, not Apache's")
	}
}
