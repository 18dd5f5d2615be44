package nginxaccess

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestAccessMismatch(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name, format, line string
		variable, expected string
		trailing           bool
		offset             int
	}{
		{name: "empty line", format: formatCombined, line: "",
			variable: "$remote_addr", expected: " - ", offset: 0},
		{name: "no time", format: formatCombined, line: `1.2.3.4 - - "GET / HTTP/1.1" 200 1 "-" "-"`,
			variable: "$remote_user", offset: 10},
		{name: "status not a number", format: formatCombined,
			line:     `1.2.3.4 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" OK 1 "-" "-"`,
			variable: "$status", expected: " ", offset: 58},
		{name: "unterminated quote", format: formatCombined,
			line:     `1.2.3.4 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl`,
			variable: "$http_user_agent", offset: 69},
		{name: "trailing text", format: formatCombined,
			line:     `1.2.3.4 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-" extra`,
			variable: "$http_user_agent", trailing: true, offset: 71},
		{name: "short time", format: `[$time_local]`, line: `[01/May/2024]`,
			variable: "$time_local", offset: 1},
		{name: "literal first", format: `{"s":$status}`, line: `[502]`,
			expected: `{"s":`, offset: 0},
		{name: "json line for a text format", format: fmtUpstream, line: `{"status":502}`,
			variable: "$remote_addr", expected: " - ", offset: 1},
		{name: "class at end", format: `$remote_addr $status`, line: `1.2.3.4 502 ` + long,
			variable: "$status", offset: 8},
		{name: "long line sample", format: `$remote_addr "$request"`, line: `1.2.3.4 "` + long,
			variable: "$request", offset: 9},
	} {
		p, err := Compile(tc.format, LogFormatEscapeDefault)
		if err != nil {
			t.Fatal(err)
		}
		rec := Record{Status: []byte("stale"), Attempts: make([]UpstreamAttempt, 1)}
		err = p.Parse([]byte(tc.line), &rec)
		var m *LogFormatMismatch
		if !errors.As(err, &m) {
			t.Errorf("%s: error %v, want a *LogFormatMismatch", tc.name, err)
			continue
		}
		if m.Variable != tc.variable || m.Expected != tc.expected || m.Trailing != tc.trailing || m.Offset != tc.offset {
			t.Errorf("%s: got %+v\nwant variable %q expected %q trailing %v offset %d",
				tc.name, *m, tc.variable, tc.expected, tc.trailing, tc.offset)
		}
		if len(m.Sample) > SampleLen || !strings.Contains(tc.line, m.Sample) ||
			m.Offset < len(tc.line) && !strings.Contains(m.Sample, tc.line[m.Offset:min(m.Offset+8, len(tc.line))]) {
			t.Errorf("%s: sample %q does not show offset %d", tc.name, m.Sample, m.Offset)
		}
		if rec.Status != nil || len(rec.Attempts) != 0 || rec.Field("status") != nil {
			t.Errorf("%s: record not emptied: %+v", tc.name, rec)
		}
		msg := m.Error()
		if !strings.Contains(msg, "log_format") || !strings.Contains(msg, tc.variable) || tc.expected != "" && !strings.Contains(msg, strconv.Quote(tc.expected)) {
			t.Errorf("%s: Error() = %s", tc.name, msg)
		}
		t.Logf("%s: %v", tc.name, err)
	}
}

// TestAccessBacktrackBound: a line built to make the generic variables
// retry many times is still handled, quickly, with an answer.
func TestAccessBacktrackBound(t *testing.T) {
	p, err := Compile(`$a $b $c $d|$status`, LogFormatEscapeDefault)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x ", 5000) + "|abc")
	var rec Record
	if err := p.Parse(line, &rec); err == nil {
		t.Fatalf("matched: %q", rec.Field("a"))
	}
	ok := []byte(strings.Repeat("x ", 50) + "|200")
	if err := p.Parse(ok, &rec); err != nil || string(rec.Status) != "200" || string(rec.Field("a")) != "x" {
		t.Fatalf("%v: status %q a %q d %q", err, rec.Status, rec.Field("a"), rec.Field("d"))
	}
}

// A record can move between parsers; a mismatch leaves no field behind.
func TestAccessRecordReuse(t *testing.T) {
	small, _ := Compile(`$status`, LogFormatEscapeDefault)
	big, _ := Compile(fmtUpstream, LogFormatEscapeDefault)
	var rec Record
	if err := small.Parse([]byte("200"), &rec); err != nil || string(rec.Field("$STATUS")) != "200" {
		t.Fatalf("%v %q", err, rec.Field("status"))
	}
	line := combinedHead + `502 1 "-" "-" a:1 502 0.5 -`
	if err := big.Parse([]byte(line), &rec); err != nil || string(rec.LastUpstream()) != "a:1" || !rec.Generated {
		t.Fatalf("%v %+v", err, rec)
	}
	if rec.Field("nonexistent") != nil || rec.Attempts[0].ResponseSeconds != 0.5 {
		t.Errorf("Field(nonexistent) = %q, attempts %s", rec.Field("nonexistent"), formatAttempts(rec.Attempts))
	}
	if err := big.Parse([]byte("garbage"), &rec); err == nil || rec.Field("status") != nil || rec.LastUpstream() != nil {
		t.Errorf("after a mismatch: %v status %q", err, rec.Field("status"))
	}
	if err := small.Parse([]byte("404"), &rec); err != nil || string(rec.Status) != "404" || rec.Field("upstream_addr") != nil {
		t.Errorf("back to the small format: %v %q", err, rec.Status)
	}
}
