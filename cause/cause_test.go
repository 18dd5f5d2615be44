package cause

import (
	"regexp"
	"testing"
)

var labelValue = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// Every cause has a distinct snake_case label that parses back to it, and a
// fix hint.
func TestAllRoundTrip(t *testing.T) {
	all := All()
	if len(all) != int(numCauses)-1 {
		t.Fatalf("All() has %d causes, want %d", len(all), numCauses-1)
	}
	seen := map[string]Cause{}
	for i, c := range all {
		if c != Cause(i+1) {
			t.Errorf("All()[%d] = %d, want taxonomy order", i, c)
		}
		name := c.String()
		if !labelValue.MatchString(name) || name == "none" {
			t.Errorf("cause %d: label %q", c, name)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("label %q used by %d and %d", name, prev, c)
		}
		seen[name] = c
		if got, ok := Parse(name); !ok || got != c {
			t.Errorf("Parse(%q) = %v, %v; want %v", name, got, ok, c)
		}
		if c.FixHint() == "" {
			t.Errorf("%s: no fix hint", c)
		}
	}
}

// None and values outside the taxonomy read as "none" without a hint;
// unknown labels do not parse.
func TestNoneAndHostileValues(t *testing.T) {
	for _, c := range []Cause{None, numCauses, 255} {
		if c.String() != "none" || c.FixHint() != "" {
			t.Errorf("Cause(%d): %q, hint %q", uint8(c), c.String(), c.FixHint())
		}
	}
	if c, ok := Parse("none"); !ok || c != None {
		t.Errorf(`Parse("none") = %v, %v`, c, ok)
	}
	for _, name := range []string{"", "Connection_Refused", "connection_refused ", "bogus", "\x00"} {
		if c, ok := Parse(name); ok || c != None {
			t.Errorf("Parse(%q) = %v, %v; want None, false", name, c, ok)
		}
	}
}
