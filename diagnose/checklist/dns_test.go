package checklist

import (
	"strings"
	"testing"
)

func TestProbeDNSSummaryTellsTimeoutFromNXDOMAIN(t *testing.T) {
	for _, c := range []struct {
		err, summary, fix string
	}{
		{"lookup app.test on 127.0.0.53:53: no such host", "the name app.test does not exist (resolver 127.0.0.53:53", "getent hosts app.test"},
		{"lookup app.test on 127.0.0.1:5353: read udp 127.0.0.1:40000->127.0.0.1:5353: i/o timeout", "resolver 127.0.0.1:5353 did not answer for app.test", "`dig @127.0.0.1 -p 5353 app.test`"},
		{"lookup app.test: i/o timeout", "this host's resolver did not answer for app.test", "the resolver of /etc/resolv.conf does not answer"},
		{"lookup app.test on [::1]:53: server misbehaving", "app.test cannot be resolved: lookup", "`dig @::1 -p 53 app.test`"},
		{"", "app.test cannot be resolved", "getent hosts app.test"},
		{"lookup \xff on " + strings.Repeat("x", 1<<16) + ": i/o timeout", "this host's resolver did not answer", "does not answer"},
	} {
		if got := probeDNSSummary("app.test", c.err); !strings.Contains(got, c.summary) {
			t.Errorf("%.60q: summary %q lacks %q", c.err, got, c.summary)
		}
		if got := probeDNSFix("app.test", c.err, "`proxy_pass http://app.test` at a.conf:3"); !strings.Contains(got, c.fix) || !strings.Contains(got, "a.conf:3") {
			t.Errorf("%.60q: fix %q lacks %q", c.err, got, c.fix)
		}
	}
}
