package awsalb

import "testing"

// BenchmarkParseALB parses a current 33-field ALB line (the common case: a
// target answered). Report lines/s with -benchtime and the ns/op.
func BenchmarkParseALB(b *testing.B) {
	line := []byte(albLine("10.0.0.1:80", "0.000 0.001 0.000", "200", "200", "-"))
	var rec Record
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	ru := rusage(b)
	for b.Loop() {
		if err := Parse(line, &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpuLinesPerSecond(b, ru)
}

// BenchmarkParseALBFailure parses a 502 the load balancer generated.
func BenchmarkParseALBFailure(b *testing.B) {
	line := []byte(albLine("10.0.0.1:80", "0.001 4.205 -1", "502", "-", "-"))
	var rec Record
	b.ReportAllocs()
	ru := rusage(b)
	for b.Loop() {
		if err := Parse(line, &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpuLinesPerSecond(b, ru)
}

// BenchmarkParseELB parses a Classic Load Balancer HTTP line.
func BenchmarkParseELB(b *testing.B) {
	line := []byte(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`)
	var rec Record
	b.ReportAllocs()
	ru := rusage(b)
	for b.Loop() {
		if err := ParseELB(line, &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpuLinesPerSecond(b, ru)
}

// BenchmarkParseALBDocExample parses the documented HTTPS example entry
// (29 fields, testdata/real.txt).
func BenchmarkParseALBDocExample(b *testing.B) {
	line := []byte(`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" 10.0.0.1:80 200 "-" "-"`)
	var rec Record
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	ru := rusage(b)
	for b.Loop() {
		if err := Parse(line, &rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpuLinesPerSecond(b, ru)
}
