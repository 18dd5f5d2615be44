package nginxaccess

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzAccessParser compiles arbitrary formats and parses arbitrary lines
// with them. It must never panic; a match must account for every byte of
// the line (literals and values, in order, rebuild it); a mismatch must say
// where, with a sample taken from the line.
func FuzzAccessParser(f *testing.F) {
	for _, tc := range accessCases {
		f.Add(tc.format, uint8(tc.escape), tc.line)
	}
	for _, l := range benchAccessLines()[:10] {
		f.Add(fmtUpstream, uint8(0), string(l))
	}
	f.Add(formatUpstreamInfo, uint8(2), `1.2.3.4 - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 502 0 "-" "-" 10 0.1 [a] [] x:1, y:2 : z 0, 0 : 0 0.0, 0.1 : - 502, 502 : - id`)
	f.Add(`$upstream_addr : $status`, uint8(0), `a, b : c : d : 502`)
	f.Add(`"$a" $b $c`, uint8(1), `"\\\"" x  y`)
	for _, d := range degenerateAccess {
		f.Add(d.format, uint8(0), d.line)
	}
	f.Fuzz(func(t *testing.T, format string, escape uint8, line string) {
		p, err := Compile(format, LogFormatEscape(escape%4))
		if err != nil {
			return
		}
		in := []byte(line)
		var rec Record
		err = p.Parse(in, &rec)
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if err != nil {
			var m *LogFormatMismatch
			if !errors.As(err, &m) {
				t.Fatalf("error %T %v", err, err)
			}
			if m.Offset < 0 || m.Offset > len(line) || len(m.Sample) > SampleLen || !strings.Contains(line, m.Sample) {
				t.Fatalf("mismatch %+v for a line of %d bytes", *m, len(line))
			}
			if m.Variable == "" && m.Expected == "" && !m.Trailing {
				t.Fatalf("mismatch says nothing: %+v", *m)
			}
			_ = m.Error()
			return
		}
		checkAccessMatch(t, p, &rec, in, line)
		_ = p.AppendUnescaped(nil, in)
	})
}

// checkAccessMatch checks a matched line: the literals and values, in order,
// rebuild it (line is without its '\r'), and every decoded field is a piece
// of it.
func checkAccessMatch(t *testing.T, p *Parser, rec *Record, in []byte, line string) {
	t.Helper()
	var rebuilt []byte
	for _, op := range p.ops {
		if op.literal != "" {
			rebuilt = append(rebuilt, op.literal...)
		} else {
			rebuilt = append(rebuilt, rec.value(op.slot)...)
		}
	}
	if string(rebuilt) != line {
		t.Fatalf("values do not rebuild the line:\n%q\n%q", rebuilt, line)
	}
	for _, a := range rec.Attempts {
		for _, b := range [][]byte{a.Upstream, a.Status} {
			if !bytes.Contains(in, b) || bytes.ContainsAny(b, " ,") {
				t.Fatalf("attempt field %q", b)
			}
		}
	}
	if len(rec.Attempts) > len(line) {
		t.Fatalf("%d attempts from %d bytes", len(rec.Attempts), len(line))
	}
	if rec.GeneratedGuessed && !strings.HasPrefix(string(rec.Status), "5") || rec.Generated && rec.Status[0] != '5' {
		t.Fatalf("Generated %v guessed %v for status %q", rec.Generated, rec.GeneratedGuessed, rec.Status)
	}
	for _, name := range p.Variables() {
		if v := rec.Field(name); !bytes.Contains(in, v) {
			t.Fatalf("Field(%q) = %q", name, v)
		}
	}
}

// degenerateAccess are odd formats and lines: lists cut short, lists of
// different lengths, separators at the end, empty values everywhere.
var degenerateAccess = []struct{ format, line string }{
	{fmtUpstream, combinedHead + `502 0 "" "" a, ,  : - - - -`},
	{fmtUpstream, combinedHead + `502 0 "-" "-" a, b 502 - -`},
	{fmtUpstream, combinedHead + `502 0 "-" "-" a, b :  502, 502 : - 1, 2, 3 x`},
	{`$upstream_addr`, `a, b : `},
	{`$upstream_addr`, `, : ,`},
	{`$upstream_status $upstream_addr`, ` `},
	{`$upstream_status $upstream_addr`, `-  -`},
	{`[$time_local]`, `[` + strings.Repeat("\xFF", 7) + `]`},
	{`"$request"`, `""`},
	{`$status`, ``},
	{`x`, `x`},
	{`$a-$b-$c`, `---`},
}

func TestAccessDegenerate(t *testing.T) {
	var rec Record
	for _, d := range degenerateAccess {
		p, err := Compile(d.format, LogFormatEscapeDefault)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Parse([]byte(d.line), &rec); err != nil {
			t.Logf("%q on %q: %v", d.format, d.line, err)
			continue
		}
		checkAccessMatch(t, p, &rec, []byte(d.line), d.line)
		t.Logf("%q on %q: attempts %s", d.format, d.line, formatAttempts(rec.Attempts))
	}
}
