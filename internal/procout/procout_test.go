package procout

import "testing"

func TestBufferKeepsUpToMax(t *testing.T) {
	b := &Buffer{Max: 5}
	if n, err := b.Write([]byte("abc")); n != 3 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if n, _ := b.Write([]byte("defgh")); n != 5 {
		t.Fatalf("Write past the bound reported %d bytes", n)
	}
	if got := b.String(); got != "abcde" {
		t.Errorf("String() = %q, want %q", got, "abcde")
	}
}
