// Package parsertest holds what the tests and benchmarks of several
// parsers share: realistic nginx error-log lines (which the HAProxy parser
// must turn down, and the nginx parser's benchmarks read) and the benchmark
// loop. Test code only.
package parsertest

import (
	"fmt"
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// Parts of the nginx lines.
const (
	TS       = "2024/05/01 10:00:00 "
	ShopTail = `, client: 192.0.2.10, server: shop.example.com, request: "GET /api/cart?id=7 HTTP/1.1", upstream: "http://10.0.0.5:8080/api/cart?id=7", host: "shop.example.com", referrer: "https://shop.example.com/"`
	PHPTail  = `, client: 192.0.2.10, server: blog.example.com, request: "POST /wp-admin/admin-ajax.php HTTP/2.0", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "blog.example.com"`
)

// FailureLines are upstream failures of various kinds, with the full
// context a production log has.
func FailureLines() []string {
	tail := func(i int) string {
		return fmt.Sprintf(`, client: 203.0.113.%d, server: shop.example.com, request: "GET /api/v2/products/%d/reviews?page=2&sort=recent HTTP/1.1", upstream: "http://10.0.%d.15:8080/api/v2/products/%d/reviews?page=2&sort=recent", host: "shop.example.com", referrer: "https://shop.example.com/products/%d"`, i, i*7, i%4, i*7, i*7)
	}
	msgs := []string{
		`[error] 31#31: *%d connect() failed (111: Connection refused) while connecting to upstream`,
		`[error] 31#31: *%d upstream timed out (110: Connection timed out) while reading response header from upstream`,
		`[error] 31#31: *%d upstream prematurely closed connection while reading response header from upstream`,
		`[error] 31#31: *%d recv() failed (104: Connection reset by peer) while reading response header from upstream`,
		`[error] 31#31: *%d no live upstreams while connecting to upstream`,
		`[error] 31#31: *%d upstream timed out (110: Operation timed out) while connecting to upstream`,
		`[crit] 31#31: *%d connect() to 10.0.1.15:8080 failed (99: Cannot assign requested address) while connecting to upstream`,
		`[error] 31#31: *%d upstream sent too big header while reading response header from upstream`,
		`[error] 31#31: *%d SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream`,
		`[error] 31#31: *%d writev() failed (32: Broken pipe) while sending request to upstream`,
	}
	var lines []string
	for i := 0; i < 70; i++ {
		lines = append(lines, TS+fmt.Sprintf(msgs[i%len(msgs)], 1000+i)+tail(i))
	}
	lines = append(lines, `2024/05/01 10:00:00 [crit] 7#7: *99 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream`+PHPTail)
	return lines
}

// OtherLines are nginx lines that are not upstream failures.
func OtherLines() []string {
	return []string{
		TS + `[error] 31#31: *2001 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 203.0.113.9, server: shop.example.com, request: "GET /favicon.ico HTTP/1.1", host: "shop.example.com", referrer: "https://shop.example.com/"`,
		TS + `[info] 31#31: *2002 client prematurely closed connection, so upstream connection is closed too while sending request to upstream` + ShopTail,
		TS + `[warn] 31#31: *2003 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/3/07/0000000073 while reading upstream` + ShopTail,
		TS + `[error] 31#31: *2004 limiting requests, excess: 10.250 by zone "api", client: 203.0.113.9, server: shop.example.com, request: "GET /api/v2/search HTTP/1.1", host: "shop.example.com"`,
		TS + `[info] 31#31: *2005 client 203.0.113.9 closed keepalive connection`,
		TS + `[crit] 31#31: *2006 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 198.51.100.4, server: 0.0.0.0:443`,
		TS + `[notice] 1#1: signal 1 (SIGHUP) received from 4242, reconfiguring`,
		TS + `[warn] 31#31: *2007 upstream sent duplicate header line: "Cache-Control: no-cache", previous value: "Cache-Control: private", ignored while reading response header from upstream` + ShopTail,
		TS + `[info] 31#31: *2008 recv() failed (104: Connection reset by peer) while reading client request headers, client: 203.0.113.9, server: 0.0.0.0:80`,
		TS + `[error] 31#31: *2009 client intended to send too large body: 10485761 bytes, client: 203.0.113.9, server: shop.example.com, request: "POST /upload HTTP/1.1", host: "shop.example.com"`,
	}
}

func ToBytes(lines []string) [][]byte {
	out := make([][]byte, len(lines))
	for i, l := range lines {
		out[i] = []byte(l)
	}
	return out
}

// Mix is 70% upstream failures, 30% other nginx lines, interleaved.
func Mix() [][]byte {
	failures, others := FailureLines(), OtherLines()
	var mix []string
	for i := 0; i < 100; i++ {
		if i%10 < 7 {
			mix = append(mix, failures[i%len(failures)])
		} else {
			mix = append(mix, others[i%len(others)])
		}
	}
	return ToBytes(mix)
}

// Benchmark runs parse (a line parser's Parse method) over lines in a
// loop, reporting bytes, allocations and lines/s.
func Benchmark(b *testing.B, parse func([]byte, logparse.EmitFunc) logparse.Result, lines [][]byte) {
	var size int64
	for _, l := range lines {
		size += int64(len(l)) + 1
	}
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		parse(lines[i%len(lines)], Discard)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// Discard is an EmitFunc that drops the event.
func Discard(*logparse.Event) {}
