package collector

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

func TestSanitizeLabelValue(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		max       int
		want      string
		how       Admission
	}{
		{"valid", "10.0.0.1:80", 256, "10.0.0.1:80", 0},
		{"one invalid byte", "10.0.0.\xff:80", 256, "10.0.0.\uFFFD:80", InvalidUTF8},
		{"a run of invalid bytes is one replacement", "a\xff\xfe\xfdb", 256, "a\uFFFDb", InvalidUTF8},
		{"separate invalid bytes", "\xffa\xff", 256, "\uFFFDa\uFFFD", InvalidUTF8},
		{"truncated rune", "h\xc3", 256, "h\uFFFD", InvalidUTF8},
		{"U+FFFD itself is valid", "\uFFFD", 256, "\uFFFD", 0},
		{"NUL is valid UTF-8", "a\x00b", 256, "a\x00b", 0},
		{"cut", strings.Repeat("x", 300), 256, strings.Repeat("x", 256), TooLong},
		{"cut on a rune boundary", "aaé", 3, "aa", TooLong}, // é is 2 bytes
		{"exactly the cap", "aaa", 3, "aaa", 0},
		{"replacement past the cap", "aa\xff", 3, "aa", TooLong | InvalidUTF8},
		{"invalid byte after the cut", "aaaa\xff", 3, "aaa", TooLong | InvalidUTF8},
		{"empty", "", 16, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, how := sanitizeLabelValue([]byte(tc.raw), tc.max)
			if got != tc.want || how != tc.how {
				t.Errorf("sanitizeLabelValue(%q, %d) = %q, %b; want %q, %b", tc.raw, tc.max, got, how, tc.want, tc.how)
			}
			if !utf8.ValidString(got) || len(got) > tc.max {
				t.Errorf("%q: invalid or longer than %d", got, tc.max)
			}
		})
	}
}

// A cut value is a copy: it must not keep a 300 KiB line alive.
func TestSanitizeLabelValueCopies(t *testing.T) {
	raw := bytes.Repeat([]byte("u"), 300<<10)
	got, _ := sanitizeLabelValue(raw, 256)
	if p := unsafe.StringData(got); uintptr(unsafe.Pointer(p)) == uintptr(unsafe.Pointer(&raw[0])) {
		t.Fatal("the label value shares the raw line's memory")
	}
}

func FuzzSanitizeLabelValue(f *testing.F) {
	f.Add([]byte("10.0.0.\xff:80"), uint8(16))
	f.Add([]byte("é\xff\xfe\xc3"), uint8(16))
	f.Fuzz(func(t *testing.T, raw []byte, max uint8) {
		limit := int(max) + 3 // room for one U+FFFD
		got, how := sanitizeLabelValue(raw, limit)
		if !utf8.ValidString(got) || len(got) > limit {
			t.Fatalf("%q (cap %d) → %q", raw, limit, got)
		}
		if (how&InvalidUTF8 != 0) == utf8.Valid(raw) {
			t.Errorf("%q: invalid_utf8 = %v", raw, how&InvalidUTF8 != 0)
		}
		if how == 0 && got != string(raw) {
			t.Errorf("%q changed to %q without a reason", raw, got)
		}
		if valid := bytes.ToValidUTF8(raw, []byte("\uFFFD")); !strings.HasPrefix(string(valid), got) {
			t.Errorf("%q → %q, not a prefix of %q", raw, got, valid)
		}
	})
}
