package nginxaccess

import (
	"fmt"
	"testing"
)

// benchApacheLines are fmtApacheBalancer lines: mostly 200s through two
// workers, some 503s, 404s, requests outside the balancer.
func benchApacheLines() [][]byte {
	statuses := []string{"200", "200", "304", "200", "404", "200", "503", "200", "502", "200"}
	var lines [][]byte
	for i := 0; i < 100; i++ {
		worker := fmt.Sprintf("http://10.0.0.%d:8080", i%2+1)
		if i%7 == 0 {
			worker = "-"
		}
		lines = append(lines, []byte(fmt.Sprintf(`203.0.113.%d - - [01/May/2024:10:00:%02d +0000] "GET /api/v2/products/%d/reviews?page=2 HTTP/1.1" %s %d "https://shop.example.com/p/%d" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36" %s %d shop.example.com`,
			i, i%60, i*7, statuses[i%len(statuses)], 1000+i*37, i, worker, 1000+i*13)))
	}
	return lines
}

func BenchmarkApacheAccess(b *testing.B) {
	p, err := CompileApache(fmtApacheBalancer)
	if err != nil {
		b.Fatal(err)
	}
	lines := benchApacheLines()
	var rec Record
	var size int64
	for _, l := range lines {
		size += int64(len(l)) + 1
	}
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Parse(lines[i%len(lines)], &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
