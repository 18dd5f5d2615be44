package syslog

import (
	"errors"
	"testing"
)

// Bytes captured from HAProxy 2.6 and nginx 1.22 (see doc.go).
const (
	haproxyLocal   = "<134>Nov 21 11:01:17 haproxy[31760]: 127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /x HTTP/1.1\"\n"
	haproxyRFC5424 = "<134>1 2026-11-21T11:01:20.088844+00:00 - haproxy 31761 - - 127.0.0.1:46770 [21/Nov/2026:11:01:17.082] fe be/s1 0/0/-1/-1/3006 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /y HTTP/1.1\"\n"
	nginxError     = "<187>Nov 21 11:01:30 vm nginx: 2026/11/21 11:01:30 [error] 32465#32465: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1"
)

// want is the expected decoding; "-" in a header field means nil.
type want struct {
	fac, sev                      int
	format                        Format
	ts, host, tag, pid, msgid, sd string
	content                       string
}

func field(b []byte) string {
	if b == nil {
		return "-"
	}
	return string(b)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     want
	}{
		{"haproxy default (local, no hostname)", haproxyLocal, want{16, 6, RFC3164, "Nov 21 11:01:17", "-", "haproxy", "31760", "-", "-",
			`127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /x HTTP/1.1"`}},
		{"haproxy format rfc5424", haproxyRFC5424, want{16, 6, RFC5424, "2026-11-21T11:01:20.088844+00:00", "-", "haproxy", "31761", "-", "-",
			`127.0.0.1:46770 [21/Nov/2026:11:01:17.082] fe be/s1 0/0/-1/-1/3006 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /y HTTP/1.1"`}},
		{"haproxy format rfc3164 without hostname", "<134>Nov  1 01:02:03 localhost haproxy[7]: msg\n",
			want{16, 6, RFC3164, "Nov  1 01:02:03", "localhost", "haproxy", "7", "-", "-", "msg"}},
		{"nginx", nginxError, want{23, 3, RFC3164, "Nov 21 11:01:30", "vm", "nginx", "-", "-", "-",
			"2026/11/21 11:01:30 [error] 32465#32465: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1"}},
		{"nginx nohostname", "<190>Nov 21 11:01:30 nginx_access: 127.0.0.1 - - \"GET / HTTP/1.1\" 200",
			want{23, 6, RFC3164, "Nov 21 11:01:30", "-", "nginx_access", "-", "-", "-", `127.0.0.1 - - "GET / HTTP/1.1" 200`}},
		{"3164 hostname and pid", "<13>Feb  5 17:32:18 web-1.example.com postfix/smtpd[1234]: connect from x",
			want{1, 5, RFC3164, "Feb  5 17:32:18", "web-1.example.com", "postfix/smtpd", "1234", "-", "-", "connect from x"}},
		{"3164 pid without colon", "<13>Feb 15 17:32:18 host prog[9] text",
			want{1, 5, RFC3164, "Feb 15 17:32:18", "host", "prog", "9", "-", "-", "text"}},
		{"3164 no tag", "<13>Feb 15 17:32:18 host just some text",
			want{1, 5, RFC3164, "Feb 15 17:32:18", "host", "-", "-", "-", "-", "just some text"}},
		{"3164 one word", "<13>Feb 15 17:32:18 word",
			want{1, 5, RFC3164, "Feb 15 17:32:18", "-", "-", "-", "-", "-", "word"}},
		{"3164 fraction", "<13>Feb 15 17:32:18.123 h t: x",
			want{1, 5, RFC3164, "Feb 15 17:32:18.123", "h", "t", "-", "-", "-", "x"}},
		{"3164 rfc3339 timestamp", "<13>2026-11-21T11:01:20.088+01:00 h t[1]: x",
			want{1, 5, RFC3164, "2026-11-21T11:01:20.088+01:00", "h", "t", "1", "-", "-", "x"}},
		{"3164 tag only, empty content", "<13>Feb 15 17:32:18 nginx:",
			want{1, 5, RFC3164, "Feb 15 17:32:18", "-", "nginx", "-", "-", "-", ""}},
		{"no timestamp, tag", "<134>haproxy[1]: hello",
			want{16, 6, RFC3164, "-", "-", "haproxy", "1", "-", "-", "hello"}},
		{"no timestamp, no tag", "<134>hello world",
			want{16, 6, RFC3164, "-", "-", "-", "-", "-", "-", "hello world"}},
		{"only PRI", "<0>", want{0, 0, RFC3164, "-", "-", "-", "-", "-", "-", ""}},
		{"bad month is content", "<13>Foo 15 17:32:18 h t: x",
			want{1, 5, RFC3164, "-", "-", "-", "-", "-", "-", "Foo 15 17:32:18 h t: x"}},
		{"ipv6 host is not a tag", "<13>Feb 15 17:32:18 fe80:: t: x",
			want{1, 5, RFC3164, "Feb 15 17:32:18", "fe80::", "t", "-", "-", "-", "x"}},
		{"CRLF and NUL trimmed", "<13>Feb 15 17:32:18 h t: x\r\n\x00",
			want{1, 5, RFC3164, "Feb 15 17:32:18", "h", "t", "-", "-", "-", "x"}},
		{"5424 all fields, SD, BOM", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 42 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"][x@1 a=\"b\"] \xef\xbb\xbfAn application event",
			want{20, 5, RFC5424, "2003-10-11T22:14:15.003Z", "mymachine.example.com", "evntslog", "42", "ID47", `[exampleSDID@32473 iut="3" eventSource="Application"][x@1 a="b"]`, "An application event"}},
		{"5424 escaped ] and \" in SD", `<14>1 - - app - - [a@1 p="x\]y\"z]" q="\\"] msg`,
			want{1, 6, RFC5424, "-", "-", "app", "-", "-", `[a@1 p="x\]y\"z]" q="\\"]`, "msg"}},
		{"5424 all NILVALUE, no MSG", "<14>1 - - - - - -",
			want{1, 6, RFC5424, "-", "-", "-", "-", "-", "-", ""}},
		{"5424 empty MSG after space", "<14>1 - - - - - - ",
			want{1, 6, RFC5424, "-", "-", "-", "-", "-", "-", ""}},
		{"version 2 is 3164 content", "<14>2 x", want{1, 6, RFC3164, "-", "-", "-", "-", "-", "-", "2 x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := Decode([]byte(tt.in), &m); err != nil {
				t.Fatalf("Decode(%q): %v", tt.in, err)
			}
			got := want{m.Facility, m.Severity, m.Format, field(m.Timestamp), field(m.Hostname), field(m.Tag),
				field(m.PID), field(m.MsgID), field(m.StructuredData), string(m.Content)}
			if got != tt.want {
				t.Errorf("Decode(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		in      string
		err     error
		content string // best-effort Content
	}{
		{"", ErrEmpty, ""},
		{"\n\r\x00", ErrEmpty, ""},
		{"hello", ErrNoPRI, "hello"},
		{" <13>x", ErrNoPRI, " <13>x"},
		{"<192>x", ErrBadPRI, "<192>x"},
		{"<999>x", ErrBadPRI, "<999>x"},
		{"<1234>x", ErrBadPRI, "<1234>x"},
		{"<>x", ErrBadPRI, "<>x"},
		{"<1x>x", ErrBadPRI, "<1x>x"},
		{"<13", ErrBadPRI, "<13"},
		{"<-1>x", ErrBadPRI, "<-1>x"},
		{"<13>1 ", ErrHeader, "1 "},
		{"<13>1 - - - - -", ErrHeader, "1 - - - - -"},
		{"<13>1 -  - - - - x", ErrHeader, "1 -  - - - - x"},
		{"<13>1 - - - - - x", ErrStructuredData, "1 - - - - - x"},
		{"<13>1 - - - - - [] x", ErrStructuredData, "1 - - - - - [] x"},
		{"<13>1 - - - - - [a b=\"]\" x", ErrStructuredData, "1 - - - - - [a b=\"]\" x"},
		{"<13>1 - - - - - [a]x", ErrStructuredData, "1 - - - - - [a]x"},
		{"<13>1 - - - - - -x", ErrStructuredData, "1 - - - - - -x"},
	}
	for _, tt := range tests {
		var m Message
		err := Decode([]byte(tt.in), &m)
		if !errors.Is(err, tt.err) || !errors.Is(err, ErrMalformed) {
			t.Errorf("Decode(%q) = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if string(m.Content) != tt.content || m.Format != Unknown || m.Tag != nil {
			t.Errorf("Decode(%q): Content %q Format %v Tag %q, want Content %q, Unknown, no tag", tt.in, m.Content, m.Format, m.Tag, tt.content)
		}
	}
}

func TestDecodeAllocs(t *testing.T) {
	var m Message
	for _, in := range []string{haproxyLocal, haproxyRFC5424, nginxError, "bad"} {
		b := []byte(in)
		if n := testing.AllocsPerRun(100, func() { _ = Decode(b, &m) }); n != 0 {
			t.Errorf("Decode(%q) allocates %v times", in, n)
		}
	}
}

func TestRouteTag(t *testing.T) {
	routes := map[string]string{"haproxy": "haproxy", "nginx": "nginx_error"}
	for tag, want := range map[string]string{"haproxy": "haproxy", "nginx": "nginx_error", "other": "def", "": "def"} {
		if got := RouteTag([]byte(tag), routes, "def"); got != want {
			t.Errorf("RouteTag(%q) = %q, want %q", tag, got, want)
		}
	}
	tag := []byte("nginx")
	if n := testing.AllocsPerRun(100, func() { _ = RouteTag(tag, routes, "") }); n != 0 {
		t.Errorf("RouteTag allocates %v times", n)
	}
}

func BenchmarkDecode(b *testing.B) {
	var m Message
	for _, in := range []struct{ name, msg string }{{"haproxy", haproxyLocal}, {"rfc5424", haproxyRFC5424}, {"nginx", nginxError}} {
		buf := []byte(in.msg)
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				_ = Decode(buf, &m)
			}
		})
	}
}
