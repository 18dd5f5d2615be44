package discover

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/internal/apachetest"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/apacheerror"
)

// TestProbesAgreeWithApacheLogs makes a real Apache fail against local
// peers (a ProxyPass and the members of a balancer), classifies its error
// log, probes what discovery finds in the same httpd.conf, and checks every
// upstream/cause pair of the log is also a probe failure.
func TestProbesAgreeWithApacheLogs(t *testing.T) {
	apachetest.Binary(t)
	p := peers(t)
	site := fmt.Sprintf(`ProxyPass /refused http://%s/ retry=0
ProxyPass /lb balancer://app/
<Proxy balancer://app>
    BalancerMember http://%s retry=0
</Proxy>
ProxyPass /close http://%s/ retry=0
`, p["refused"], p["reset"], p["close"])
	a := apachetest.Start(t, site)
	for _, path := range []string{"/refused", "/lb", "/close"} {
		if status, _, err := a.Get(path); err != nil || status < 500 {
			t.Fatalf("GET %s: %d, %v", path, status, err)
		}
	}
	fromLogs := map[string]bool{}
	var log []byte
	for i := 0; i < 300 && len(fromLogs) < 3; i++ {
		log, _ = os.ReadFile(a.ErrorLogPath())
		var parser apacheerror.Parser
		for _, l := range strings.Split(string(log), "\n") {
			parser.Parse([]byte(l), func(ev *logparse.Event) {
				if ev.Cause != cause.None {
					fromLogs[string(ev.Upstream)+" "+ev.Cause.String()] = true
				}
			})
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(fromLogs) < 3 {
		t.Fatalf("apache logged %d classified failures, want 3: %q\n%s", len(fromLogs), keys(fromLogs), log)
	}
	targets, unprobeable, err := ApacheFile(filepath.Join(a.Dir(), "httpd.conf"), Options{})
	if err != nil || len(unprobeable) > 0 || len(targets) != 3 {
		t.Fatalf("discovered %d targets, unprobeable %v, error %v", len(targets), unprobeable, err)
	}
	t.Logf("apache logged %q", keys(fromLogs))
	fromProbes := probeFailures(t, targets, fromLogs)
	for k := range fromLogs {
		if !fromProbes[k] {
			t.Errorf("apache logged %q, the probes did not: they saw %q", k, keys(fromProbes))
		}
	}
}
