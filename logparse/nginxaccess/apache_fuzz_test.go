package nginxaccess

import (
	"errors"
	"strings"
	"testing"
)

// FuzzApacheAccessParser compiles arbitrary Apache LogFormats and parses
// arbitrary lines with them: never a panic; a match accounts for every
// byte of the line, a mismatch says where.
func FuzzApacheAccessParser(f *testing.F) {
	for _, l := range benchApacheLines()[:10] {
		f.Add(fmtApacheBalancer, string(l))
	}
	f.Add("combined", `203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 404 2326 "-" "M \"x\""`)
	f.Add(`%>s %{us}T %400,501{User-agent}i %!200{Referer}i 100%%`, `200 7 - - 100%`)
	f.Add(`%v:%p %{c}a %{%d/%b}t %^ti{X} %{tid}P`, `h:80 1.2.3.4 01/May x 12`)
	f.Add(`%{BALANCER_WORKER_NAME}e "%r" %<s`, `unix:/s|http://l/ "GET /" 500`)
	f.Fuzz(func(t *testing.T, format, line string) {
		p, err := CompileApache(format)
		if err != nil {
			return
		}
		in := []byte(line)
		var rec Record
		err = p.Parse(in, &rec)
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if err != nil {
			var m *LogFormatMismatch
			if !errors.As(err, &m) {
				t.Fatalf("error %T %v", err, err)
			}
			if m.Offset < 0 || m.Offset > len(line) || !strings.Contains(line, m.Sample) {
				t.Fatalf("mismatch %+v for a line of %d bytes", *m, len(line))
			}
			return
		}
		checkAccessMatch(t, p, &rec, in, line)
		for _, a := range rec.Attempts {
			if !strings.Contains(line, string(a.Upstream)) {
				t.Fatalf("upstream %q not in the line", a.Upstream)
			}
		}
	})
}
