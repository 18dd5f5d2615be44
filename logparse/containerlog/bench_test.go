package containerlog

import (
	"strings"
	"testing"
)

const (
	accessLine = `192.0.2.10 - - [01/Mar/2024:10:15:02 +0000] "GET /api/v2/products/42/reviews?page=2 HTTP/1.1" 502 150 "https://shop.example.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36" 412 0.002 [shop-web-80] [] 10.244.1.7:8080 0 0.001 502 4f2c6e0d1b2a3c4d5e6f708192a3b4c5`
	errorLine  = `2024/03/01 10:15:02 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET /api HTTP/1.1", upstream: "http://10.244.1.7:8080/api", host: "shop.example.com"`
)

// wrapped are realistic lines of each wrapper: access lines on stdout,
// error lines on stderr, some split into parts.
func wrapped(w Wrapper) [][]byte {
	var out [][]byte
	add := func(stream, text string, partial bool) {
		if w == CRI {
			tag := "F"
			if partial {
				tag = "P"
			}
			out = append(out, []byte("2024-03-01T10:15:02.123456789Z "+stream+" "+tag+" "+text))
			return
		}
		nl := `\n`
		if partial {
			nl = ""
		}
		esc := strings.ReplaceAll(text, `"`, `\"`)
		out = append(out, []byte(`{"log":"`+esc+nl+`","stream":"`+stream+`","time":"2024-03-01T10:15:02.123456789Z"}`))
	}
	for i := range 10 {
		add("stdout", accessLine, false)
		add("stderr", errorLine, false)
		if i == 9 {
			add("stdout", accessLine[:100], true)
			add("stdout", accessLine[100:], false)
		}
	}
	return out
}

func TestNoAllocsPerLine(t *testing.T) {
	for _, w := range []Wrapper{CRI, DockerJSON} {
		lines := wrapped(w)
		j := NewJoiner(w, 0)
		for _, l := range lines { // grow the buffers
			j.Line(l)
		}
		allocs := testing.AllocsPerRun(100, func() {
			for _, l := range lines {
				if _, _, err := j.Line(l); err != nil {
					t.Fatal(err)
				}
			}
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocs per %d lines", w, allocs, len(lines))
		}
	}
}

func BenchmarkJoiner(b *testing.B) {
	for _, w := range []Wrapper{CRI, DockerJSON} {
		b.Run(w.String(), func(b *testing.B) {
			lines := wrapped(w)
			j := NewJoiner(w, 0)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for _, l := range lines {
					j.Line(l)
				}
				n += len(lines)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
