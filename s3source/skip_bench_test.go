package s3source

import (
	"fmt"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// BenchmarkSkipExisting40k measures a first start over 40,000 objects of
// one day (all in the listing window).
func BenchmarkSkipExisting40k(b *testing.B) {
	srv := s3test.Start(b, bucket)
	for i := range 40000 {
		srv.Put(b, bucket, albKey("2026/12/01", fmt.Sprintf("%04d", i%2400), fmt.Sprintf("n%05d", i)), nil)
	}
	for b.Loop() {
		ts := startTestSource(b, srv, Options{Prefix: albPrefix})
		deadline := time.Now().Add(5 * time.Minute)
		for !ts.Positioned() {
			if time.Now().After(deadline) {
				b.Fatal("never positioned")
			}
			time.Sleep(time.Millisecond)
		}
		if n := len(ts.Position().Done); n != 40000 {
			b.Fatalf("%d keys done, want 40000", n)
		}
		ts.Close()
	}
}
