package apacheerror

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// testdata/apache-2.4.71.log is real Apache output (see its header): every
// request that failed gives exactly one event with the right cause, and
// the disabled workers their marked_down.
func TestApacheRealLines(t *testing.T) {
	f, err := os.Open("testdata/apache-2.4.71.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var p Parser
	var got []string
	results := map[logparse.Result]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		r := p.Parse(sc.Bytes(), func(ev *logparse.Event) {
			got = append(got, ev.Cause.String()+" "+string(ev.Upstream))
		})
		results[r]++
	}
	want := []string{
		"connection_refused 127.0.0.1:58227",
		"premature_close 127.0.0.1:44923",
		"read_timeout 127.0.0.1:37143",
		"connection_reset 127.0.0.1:43457",
		"tls_handshake_failed ",
		"socket_not_found unix:/tmp/ap1/missing.sock",
		"connection_refused 127.0.0.1:38441", "marked_down 127.0.0.1:38441",
		"connection_refused 127.0.0.1:60697", "marked_down 127.0.0.1:60697",
		"no_live_upstreams grp",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if results[logparse.ResultUnrecognized] != 0 {
		t.Errorf("results: %v", results)
	}
}
