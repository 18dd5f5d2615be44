package awsalb

import (
	"testing"
	"unicode/utf8"

	"github.com/badgateway/badgateway_exporter/cause"
)

// FuzzParser: no input panics or hangs; what parses obeys the invariants
// the counters rely on.
func FuzzParser(f *testing.F) {
	for _, rl := range readRealLines(f) {
		f.Add(rl.line)
	}
	for _, tc := range causeCases {
		f.Add(tc.line)
	}
	for _, s := range []string{"", `"`, `" "`, `\"`, "http ", "1 2 3 4 5 6 7 8 9 10 11 12", `http a b c d -1 -1 -1 502 - 1 2 "\\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, kind := range []Kind{KindALB, KindELB} {
			var rec Record
			if err := parse([]byte(line), kind, &rec); err != nil {
				continue
			}
			if rec.Cause != cause.None && !rec.Generated {
				t.Fatalf("cause %s on a response the load balancer did not generate: %q", rec.Cause, line)
			}
			if rec.Generated && (len(rec.ELBStatus()) != 3 || rec.ELBStatus()[0] != '5') {
				t.Fatalf("generated with status %q", rec.ELBStatus())
			}
			if rec.NAttempts > maxAttempts || rec.NAttempts < 0 {
				t.Fatalf("%d attempts", rec.NAttempts)
			}
			for _, a := range rec.TargetAttempts() {
				if len(a.Upstream) == 0 {
					t.Fatalf("attempt without a target: %q", line)
				}
			}
			if utf8.ValidString(line) && !utf8.Valid(rec.Upstream) {
				t.Fatalf("upstream %q not valid UTF-8 from a valid line", rec.Upstream)
			}
		}
		var p Parser
		p.Auto = true
		p.Parse([]byte(line), func(ev *eventT) {
			if ev.Status != -1 && (ev.Status < 100 || ev.Status > 999) {
				t.Fatalf("status %d", ev.Status)
			}
		})
	})
}
