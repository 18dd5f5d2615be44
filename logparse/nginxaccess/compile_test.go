package nginxaccess

import (
	"reflect"
	"strings"
	"testing"
)

func TestCompileLogFormatErrors(t *testing.T) {
	for _, tc := range []struct {
		format string
		escape LogFormatEscape
		want   string // substring of the error
	}{
		{"", LogFormatEscapeDefault, "empty format"},
		{"$status", LogFormatEscape(3), "unknown escaping"},
		{"$status $", LogFormatEscapeDefault, `invalid parameter "$"`},
		{"$status $-", LogFormatEscapeDefault, `invalid parameter "$-"`},
		{"${status", LogFormatEscapeDefault, "closing bracket"},
		{"${status x}", LogFormatEscapeDefault, "closing bracket"},
		{"${}", LogFormatEscapeDefault, "invalid parameter"},
		{"$remote_addr$status", LogFormatEscapeDefault, "$remote_addr and $status have no literal"},
		{"[$upstream_addr${upstream_status}]", LogFormatEscapeJSON, "$upstream_addr and $upstream_status"},
	} {
		_, err := Compile(tc.format, tc.escape)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compile(%q, %v) = %v, want error with %q", tc.format, tc.escape, err, tc.want)
		}
	}
}

func TestCompileLogFormatVariables(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{formatCombined, []string{"remote_addr", "remote_user", "time_local", "request", "status",
			"body_bytes_sent", "http_referer", "http_user_agent"}},
		{`${Host}:${server_port}/$status [$time_local$status]`, []string{"host", "server_port", "status", "time_local"}},
		{`static text`, nil},
	} {
		p, err := Compile(tc.format, LogFormatEscapeDefault)
		if err != nil {
			t.Fatalf("%q: %v", tc.format, err)
		}
		if got := p.Variables(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: Variables() = %q, want %q", tc.format, got, tc.want)
		}
		for _, v := range tc.want {
			if !p.HasVariable(v) || !p.HasVariable("$"+strings.ToUpper(v)) {
				t.Errorf("%q: HasVariable(%q) false", tc.format, v)
			}
		}
	}
}

// TestCompileLogFormatScans checks how the end of each variable is found.
func TestCompileLogFormatScans(t *testing.T) {
	for _, tc := range []struct {
		format string
		escape LogFormatEscape
		want   []scanKind // one per variable
	}{
		{formatCombined, LogFormatEscapeDefault, []scanKind{scanClass, scanGeneric, scanFixed,
			scanQuoteDefault, scanClass, scanClass, scanQuoteDefault, scanQuoteDefault}},
		{formatUpstreamInfo, LogFormatEscapeDefault, []scanKind{scanClass, scanGeneric, scanFixed,
			scanQuoteDefault, scanClass, scanClass, scanQuoteDefault, scanQuoteDefault, scanClass, scanClass,
			scanGeneric, scanGeneric, scanList, scanList, scanList, scanList, scanRest}},
		{`{"ua":"$http_user_agent","a":"$upstream_addr","s":$status}`, LogFormatEscapeJSON,
			[]scanKind{scanQuoteJSON, scanList, scanClass}},
		{`"$http_user_agent" "$host" $request`, LogFormatEscapeNone, []scanKind{scanGeneric, scanGeneric, scanRest}},
		{`$request_time.$msec $upstream_addr-$status`, LogFormatEscapeDefault, []scanKind{scanGeneric, scanClass, scanGeneric, scanRest}},
	} {
		p, err := Compile(tc.format, tc.escape)
		if err != nil {
			t.Fatalf("%q: %v", tc.format, err)
		}
		var got []scanKind
		for _, op := range p.ops {
			if op.literal == "" {
				got = append(got, op.scan)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q (%v): scans %v, want %v", tc.format, tc.escape, got, tc.want)
		}
	}
}

func TestBuiltinLogFormat(t *testing.T) {
	for _, name := range []string{"combined", "main", "upstreaminfo"} {
		f, ok := BuiltinLogFormat(name)
		if !ok || !strings.HasPrefix(f, formatCombined) {
			t.Errorf("BuiltinLogFormat(%q) = %q, %v", name, f, ok)
		}
		if _, err := Compile(f, LogFormatEscapeDefault); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, ok := BuiltinLogFormat("common"); ok {
		t.Error("nginx has no common format")
	}
}

func TestParseLogFormatEscape(t *testing.T) {
	for _, e := range []LogFormatEscape{LogFormatEscapeDefault, LogFormatEscapeJSON, LogFormatEscapeNone} {
		if got, err := ParseLogFormatEscape(e.String()); got != e || err != nil {
			t.Errorf("ParseLogFormatEscape(%q) = %v, %v", e, got, err)
		}
	}
	if _, err := ParseLogFormatEscape("JSON"); err == nil {
		t.Error("JSON accepted: nginx compares case-sensitively")
	}
	if s := LogFormatEscape(9).String(); s != "LogFormatEscape(9)" {
		t.Errorf("String() = %q", s)
	}
}

func TestAppendUnescaped(t *testing.T) {
	for _, tc := range []struct {
		escape   LogFormatEscape
		raw, out string
	}{
		{LogFormatEscapeDefault, `a\x22b\x5Cc\xC3\xA9\x0A`, "a\"b\\cé\n"},
		{LogFormatEscapeDefault, `\x2`, `\x2`},
		{LogFormatEscapeDefault, `\xZZ\`, `\xZZ\`},
		{LogFormatEscapeJSON, `a\"b\\c\n\t\u001F\u00e9\q\`, "a\"b\\c\n\t\x1f\xe9\\q\\"},
		{LogFormatEscapeNone, `a\x22\"`, `a\x22\"`},
	} {
		p, _ := Compile("$x", tc.escape)
		if got := string(p.AppendUnescaped([]byte("<"), []byte(tc.raw))); got != "<"+tc.out {
			t.Errorf("%v: AppendUnescaped(%q) = %q, want %q", tc.escape, tc.raw, got, "<"+tc.out)
		}
	}
}
