package awsalb

import (
	"errors"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
)

// albLine builds a current (33-field) ALB line from the documented example
// with the fields that decide a cause replaced.
func albLine(target, times, elbStatus, targetStatus, errorReason string) string {
	return "https 2024-05-01T10:00:00.123456Z app/shop-alb/50dc6c495c0c9188 192.168.131.39:2817 " + target + " " + times + " " +
		elbStatus + " " + targetStatus + ` 34 366 "GET https://shop.example:443/cart HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ` +
		`arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/shop-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" ` +
		`"shop.example" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2024-05-01T10:00:00.100000Z ` +
		`"forward" "-" "` + errorReason + `" "` + strings.TrimPrefix(target, "-") + `" "` + strings.TrimPrefix(targetStatus, "-") + `" "-" "-" TID_1234abcd5678ef90 "-" "-" "-"`
}

var causeCases = []struct {
	name, line string
	cause      cause.Cause
	generated  bool
	upstream   string
}{
	{"target answered", albLine("10.0.0.1:80", "0.000 0.001 0.000", "200", "200", "-"), cause.None, false, "10.0.0.1:80"},
	{"target's own 502 is not the load balancer's", albLine("10.0.0.1:80", "0.000 0.010 0.000", "502", "502", "-"), cause.None, false, "10.0.0.1:80"},
	{"target's own 503", albLine("10.0.0.1:80", "0.000 0.010 0.000", "503", "503", "-"), cause.None, false, "10.0.0.1:80"},
	{"460 client closed", albLine("10.0.0.1:80", "0.000 -1 -1", "460", "-", "-"), cause.None, false, "10.0.0.1:80"},
	{"RST on connect", albLine("10.0.0.1:80", "-1 -1 -1", "502", "-", "-"), cause.ConnectionRefused, true, "10.0.0.1:80"},
	{"closed with a request outstanding", albLine("10.0.0.1:80", "0.001 4.205 -1", "502", "-", "-"), cause.PrematureClose, true, "10.0.0.1:80"},
	{"closed before any header", albLine("10.0.0.1:80", "0.001 -1 -1", "502", "-", "-"), cause.PrematureClose, true, "10.0.0.1:80"},
	{"malformed response", albLine("10.0.0.1:80", "0.001 0.002 0.000", "502", "-", "-"), cause.InvalidHeader, true, "10.0.0.1:80"},
	{"no registered targets", albLine("-", "-1 -1 -1", "503", "-", "-"), cause.NoLiveUpstreams, true, "shop-targets"},
	{"connect timeout", albLine("10.0.0.1:80", "-1 -1 -1", "504", "-", "-"), cause.ConnectTimeout, true, "10.0.0.1:80"},
	{"idle timeout", albLine("10.0.0.1:80", "0.001 60.001 -1", "504", "-", "-"), cause.ReadTimeout, true, "10.0.0.1:80"},
	{"WAF error 500", albLine("-", "-1 -1 -1", "500", "-", "WAFConnectionError"), cause.None, true, "shop-targets"},
	{"Lambda unhandled", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaUnhandled"), cause.PrematureClose, true, "shop-targets"},
	{"Lambda invalid response", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaInvalidResponse"), cause.InvalidHeader, true, "shop-targets"},
	{"Lambda too large", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaResponseTooLarge"), cause.InvalidHeader, true, "shop-targets"},
	{"Lambda connect timeout", albLine("-", "-1 -1 -1", "504", "-", "LambdaConnectionTimeout"), cause.ConnectTimeout, true, "shop-targets"},
	{"Lambda throttled", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaThrottling"), cause.BacklogFull, true, "shop-targets"},
	{"Lambda access denied", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaAccessDenied"), cause.PermissionDenied, true, "shop-targets"},
	{"Lambda not found", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaResourceNotFound"), cause.ConnectionRefused, true, "shop-targets"},
	{"Lambda service", albLine("-", "0.000 0.001 0.000", "502", "-", "LambdaServiceException"), cause.ProxyInternalError, true, "shop-targets"},
	{"unknown Lambda code falls back to the times", albLine("-", "-1 -1 -1", "502", "-", "LambdaSomethingNew"), cause.ConnectionRefused, true, "shop-targets"},
	{"Classic 503", "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 - -1 -1 -1 503 - 0 0 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -", cause.NoLiveUpstreams, true, ""},
	{"Classic 504", "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.00004 60.0 -1 504 - 0 0 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -", cause.ReadTimeout, true, "10.0.0.1:80"},
}

func TestCauses(t *testing.T) {
	for _, tc := range causeCases {
		t.Run(tc.name, func(t *testing.T) {
			kind, ok := Detect([]byte(tc.line))
			if !ok {
				t.Fatalf("Detect failed on %s", tc.line)
			}
			var rec Record
			if err := parse([]byte(tc.line), kind, &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Cause != tc.cause || rec.Generated != tc.generated || string(rec.Upstream) != tc.upstream {
				t.Errorf("cause %s generated %v upstream %q, want %s %v %q", rec.Cause, rec.Generated, rec.Upstream, tc.cause, tc.generated, tc.upstream)
			}
		})
	}
}

func TestEveryField(t *testing.T) {
	var rec Record
	line := albLine("10.0.0.1:80", "0.000 0.001 0.000", "200", "200", "-")
	if err := Parse([]byte(line+` "future field" more`), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Fields != 35 || string(rec.ConnTraceID()) != "TID_1234abcd5678ef90" || string(rec.Classification()) != "-" ||
		string(rec.RequestTransformStatus()) != "-" || string(rec.TargetPortList()) != "10.0.0.1:80" || string(rec.DomainName()) != "shop.example" {
		t.Errorf("fields: %d conn_trace_id %q classification %q", rec.Fields, rec.ConnTraceID(), rec.Classification())
	}
	if rec.NAttempts != 1 || string(rec.Attempts[0].Status) != "200" || rec.Attempts[0].Seconds != 0.001 {
		t.Errorf("attempts %+v", rec.TargetAttempts())
	}
}

func TestAttempts(t *testing.T) {
	var rec Record
	// Two targets in the list; the failed one has no status: it gets the 502 the load balancer made.
	line := strings.Replace(albLine("10.0.0.2:80", "0.001 4.205 -1", "502", "-", "-"), `"10.0.0.2:80" "" `, `"10.0.0.1:80 10.0.0.2:80" "500 -" `, 1)
	if err := Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	got := rec.TargetAttempts()
	if len(got) != 2 || string(got[0].Status) != "500" || string(got[1].Status) != "502" || string(got[1].Upstream) != "10.0.0.2:80" {
		t.Fatalf("attempts %+v", got)
	}
}

func TestEscapedQuotesAndIPv6(t *testing.T) {
	var rec Record
	line := strings.Replace(albLine("2001:db8::1:80", "0.000 0.001 0.000", "200", "200", "-"), `"curl/8.5.0"`, `"say \"hi\" \\ to \"me\""`, 1)
	if err := Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.UserAgent()) != `say \"hi\" \\ to \"me\"` || string(rec.Upstream) != "2001:db8::1:80" || string(rec.SSLCipher()) != "ECDHE-RSA-AES128-GCM-SHA256" {
		t.Errorf("user agent %q upstream %q", rec.UserAgent(), rec.Upstream)
	}
}

func TestHostileLines(t *testing.T) {
	good := albLine("10.0.0.1:80", "0.000 0.001 0.000", "200", "200", "-")
	huge := strings.Repeat("A", 4<<20)
	for _, tc := range []struct{ name, line string }{
		{"empty", ""},
		{"blank", "   "},
		{"truncated after the status", good[:strings.Index(good, " 200 200")+4]},
		{"unterminated quote", good[:strings.Index(good, `"curl`)+3]},
		{"unterminated quote at the end", `http 2018-07-02T22:23:00Z app/a/b 1.2.3.4:5 - 0 0 0 200 200 1 2 "GET / HTTP/1.1`},
		{"junk after a quote", strings.Replace(good, `"curl/8.5.0"`, `"curl/8.5.0"x`, 1)},
		{"time not a number", strings.Replace(good, "0.000 0.001", "0.000 fast", 1)},
		{"status not a status", strings.Replace(good, " 200 200 ", " 2000 200 ", 1)},
		{"huge unterminated quoted field", `http 2018-07-02T22:23:00Z app/a/b 1.2.3.4:5 - 0 0 0 200 200 1 2 "` + huge},
		{"binary", "\x00\x01\x02 \xff\xfe \"\x00"},
		{"backslash before the last quote", `http 2018-07-02T22:23:00Z app/a/b 1.2.3.4:5 - 0 0 0 200 200 1 2 "GET / HTTP/1.1\"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			err := Parse([]byte(tc.line), &rec)
			var pe *ParseError
			if err == nil || !(errors.As(err, &pe) || errors.Is(err, ErrEmpty)) {
				t.Fatalf("Parse = %v, want a ParseError", err)
			}
			if (&Parser{Auto: true}).Parse([]byte(tc.line), func(*eventT) { t.Fatal("event for a bad line") }) != resultUnrecognized {
				t.Error("event parser did not call it unrecognized")
			}
		})
	}
	t.Run("huge quoted field that is closed", func(t *testing.T) {
		var rec Record
		line := strings.Replace(good, `"curl/8.5.0"`, `"`+huge+`"`, 1)
		if err := Parse([]byte(line), &rec); err != nil || len(rec.UserAgent()) != len(huge) {
			t.Fatalf("err %v, user agent %d bytes", err, len(rec.UserAgent()))
		}
	})
	t.Run("invalid UTF-8 inside quotes", func(t *testing.T) {
		var rec Record
		line := strings.Replace(good, `"curl/8.5.0"`, "\"\xff\xfe\xc3(\"", 1)
		if err := Parse([]byte(line), &rec); err != nil || string(rec.UserAgent()) != "\xff\xfe\xc3(" {
			t.Fatalf("err %v, user agent %q", err, rec.UserAgent())
		}
	})
	t.Run("more targets than kept", func(t *testing.T) {
		var rec Record
		list := strings.TrimSpace(strings.Repeat("10.0.0.9:80 ", 20))
		line := strings.Replace(good, `"10.0.0.1:80" "200"`, `"`+list+`" "200"`, 1)
		if err := Parse([]byte(line), &rec); err != nil || rec.NAttempts != maxAttempts || rec.AttemptsDropped != 20-maxAttempts {
			t.Fatalf("err %v, %d attempts, %d dropped", err, rec.NAttempts, rec.AttemptsDropped)
		}
	})
}

func TestNameFromFileName(t *testing.T) {
	for in, want := range map[string]string{
		// The documentation's example names (load-balancer-access-logs.md, access-log-collection.md above).
		"s3/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz": "my-loadbalancer",
		"123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log":                                                                                           "my-loadbalancer",
		"access.log.gz": "",
	} {
		got, ok := NameFromFileName(in)
		if got != want || ok != (want != "") {
			t.Errorf("NameFromFileName(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}
