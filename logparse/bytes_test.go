package logparse

import "testing"

func TestParseUint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"123", 123, true},
		{"18446744073709551615", 1<<64 - 1, true},
		{"18446744073709551616", 0, false}, // overflow
		{"99999999999999999999999", 0, false},
		{"", 0, false},
		{"12a", 0, false},
		{"-1", 0, false},
		{" 1", 0, false},
	} {
		if got, ok := ParseUint([]byte(tc.in)); got != tc.want || ok != tc.ok {
			t.Errorf("ParseUint(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSkipDigitsAndHasPrefix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		pos  int
		want int
	}{
		{"31#31: ", 0, 2}, {"31#31: ", 3, 5}, {"abc", 0, 0}, {"123", 3, 3}, {"", 0, 0},
	} {
		if got := SkipDigits([]byte(tc.in), tc.pos); got != tc.want {
			t.Errorf("SkipDigits(%q, %d) = %d, want %d", tc.in, tc.pos, got, tc.want)
		}
	}
	if !HasPrefix([]byte("upstream timed out"), "upstream ") || !HasPrefix([]byte("x"), "") {
		t.Error("HasPrefix misses a prefix")
	}
	if HasPrefix([]byte("up"), "upstream") || HasPrefix(nil, "u") || HasPrefix([]byte("Upstream"), "upstream") {
		t.Error("HasPrefix takes a non-prefix")
	}
}
