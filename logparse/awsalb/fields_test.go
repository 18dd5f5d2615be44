package awsalb

import (
	"bytes"
	"strings"
	"testing"
)

func TestIndexSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "abcdefgh", "abcdefgh ", "abcdefg h", " abcdefghijklmnop", "abcdefghijklmnopqrstu vw",
		"\x21\x1f\x20", "\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0 ", "\x00\x00\x00\x00\x00\x00\x00\x00\x00 ", "!!!!!!!!!!!!!!!!!!!! !"} {
		for i := 0; i <= len(s); i++ {
			want := bytes.IndexByte([]byte(s[i:]), ' ')
			if want < 0 {
				want = len(s)
			} else {
				want += i
			}
			if got := indexSpace([]byte(s), i); got != want {
				t.Errorf("indexSpace(%q, %d) = %d, want %d", s, i, got, want)
			}
			q := strings.ReplaceAll(s, " ", `"`)
			if got := indexQuote([]byte(q), i); got != want {
				t.Errorf("indexQuote(%q, %d) = %d, want %d", q, i, got, want)
			}
		}
	}
}
