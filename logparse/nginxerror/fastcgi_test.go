package nginxerror

import (
	"reflect"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// parseAll feeds lines to one parser, flushes, and returns each line's
// Result and copies of the emitted events.
func parseAll(lines []string) ([]logparse.Result, []Summary) {
	var p Parser
	var results []logparse.Result
	var events []Summary
	record := func(ev *logparse.Event) { events = append(events, summarizeEvent(ev, logparse.ResultClassified)) }
	for _, l := range lines {
		results = append(results, p.Parse([]byte(l), record))
	}
	p.Flush(record)
	return results, events
}

// A PHP fatal error with its stack trace, as nginx writes it: the newlines
// of the application's stderr are copied raw.
var phpFatalLines = []string{
	ts + `[error] 7#7: *1001 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Uncaught Exception: Error parsing line in /var/www/app/src/Parser.php:108`,
	`Stack trace:`,
	`#0 /var/www/app/index.php(144): Parser->parse()`,
	`#1 [internal function]: Worker->run()`,
	`#2 {main}`,
	`  thrown in /var/www/app/src/Parser.php on line 108" while reading response header from upstream` + phpTail,
}

func phpRecord(conn uint64, lines int) Summary {
	s := php(cause.FastCGIStderr, 0, conn, "error")
	s.Lines = lines
	return s
}

// cutRecord is a FastCGI record whose context tail never came.
func cutRecord(conn uint64, lines int) Summary {
	return Summary{Result: logparse.ResultClassified, Cause: cause.FastCGIStderr, ConnID: conn, Lines: lines, Level: "error"}
}

func allClassified(n int) []logparse.Result {
	r := make([]logparse.Result, n)
	for i := range r {
		r[i] = logparse.ResultClassified
	}
	return r
}

func TestNginxFastCGIMultiLine(t *testing.T) {
	refused := ts + `[error] 7#7: *1002 connect() to unix:/run/php/php8.2-fpm.sock failed (111: Connection refused) while connecting to upstream` + phpTail
	dockerPrefixed := make([]string, len(phpFatalLines))
	for i, l := range phpFatalLines {
		dockerPrefixed[i] = "web-nginx-1  | " + l
	}
	for _, tc := range []struct {
		name    string
		lines   []string
		results []logparse.Result
		events  []Summary
	}{
		{"complete record", phpFatalLines, allClassified(6), []Summary{phpRecord(1001, 6)}},
		{"every line prefixed by docker", dockerPrefixed, allClassified(6), []Summary{phpRecord(1001, 6)}},
		{"record then next line", append(append([]string{}, phpFatalLines...), refused), allClassified(7),
			[]Summary{phpRecord(1001, 6), php(cause.ConnectionRefused, 502, 1002, "error")}},
		{"cut record, then a header line", []string{phpFatalLines[0], phpFatalLines[1], phpFatalLines[2], refused}, allClassified(4),
			[]Summary{cutRecord(1001, 3), php(cause.ConnectionRefused, 502, 1002, "error")}},
		{"cut record, then an ignored line", []string{phpFatalLines[0], ts + `[notice] 1#1: signal process started`},
			[]logparse.Result{logparse.ResultClassified, logparse.ResultIgnored}, []Summary{cutRecord(1001, 1)}},
		{"cut record flushed at EOF", phpFatalLines[:3], allClassified(3), []Summary{cutRecord(1001, 3)}},
		{"two records back to back", append(append([]string{}, phpFatalLines...), phpFatalLines...), allClassified(12),
			[]Summary{phpRecord(1001, 6), phpRecord(1001, 6)}},
		{"body phase", []string{
			ts + `[error] 7#7: *1003 FastCGI sent in stderr: "PHP message: [INFO] webhook requested`,
			`PHP message: [INFO] webhook done" while reading upstream` + phpTail,
		}, allClassified(2), []Summary{phpRecord(1003, 2)}},
		{"payload quoting \" while\"", []string{
			ts + `[error] 7#7: *1004 FastCGI sent in stderr: "PHP message: PHP Warning:  "config.ini" while parsing settings in /var/www/a.php on line 3`,
			`PHP message: PHP Notice:  done" while reading response header from upstream` + phpTail,
		}, allClassified(2), []Summary{phpRecord(1004, 2)}},
		{"one-line record cut in its tail", []string{
			ts + `[error] 7#7: *1005 FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream, client: 192.0.2.10, server: blog.example.com, request: "GET /x.php?q=aaaa`,
			refused,
		}, allClassified(2), []Summary{
			{Result: logparse.ResultClassified, Cause: cause.FastCGIStderr, ConnID: 1005, Lines: 1, Level: "error", Server: "blog.example.com", Client: "192.0.2.10", Request: "GET /x.php?q=aaaa"},
			php(cause.ConnectionRefused, 502, 1002, "error"),
		}},
		{"no pending record: Flush emits nothing", []string{refused}, allClassified(1),
			[]Summary{php(cause.ConnectionRefused, 502, 1002, "error")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results, events := parseAll(tc.lines)
			if !reflect.DeepEqual(results, tc.results) {
				t.Errorf("results %v, want %v", results, tc.results)
			}
			if !reflect.DeepEqual(events, tc.events) {
				t.Errorf("events\n got: %+v\nwant: %+v", events, tc.events)
			}
		})
	}
}

// Callers may reuse their line buffer: a pending record must not keep
// pointing into the head line.
func TestNginxFastCGIReusedBuffer(t *testing.T) {
	var p Parser
	var got []Summary
	record := func(ev *logparse.Event) { got = append(got, summarizeEvent(ev, logparse.ResultClassified)) }
	buf := make([]byte, 0, 4096)
	for _, l := range phpFatalLines[:2] {
		buf = append(buf[:0], l...)
		p.Parse(buf, record)
	}
	for i := range buf {
		buf[i] = 'X'
	}
	p.Flush(record)
	if want := []Summary{cutRecord(1001, 2)}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// A head line without a context tail, followed by garbage for longer than
// any nginx record can be, does not swallow the log.
func TestNginxFastCGIBoundedRecord(t *testing.T) {
	lines := []string{phpFatalLines[0]}
	for i := 0; i < maxFastCGIRecordLines+10; i++ {
		lines = append(lines, "garbage "+strings.Repeat("x", 10))
	}
	results, events := parseAll(lines)
	if len(events) != 1 || events[0].Cause != cause.FastCGIStderr {
		t.Fatalf("events %+v", events)
	}
	if last := results[len(results)-1]; last != logparse.ResultUnrecognized {
		t.Errorf("line after the bound: %v, want unrecognized", last)
	}
}

func TestClassifyNginxErrorLineMultiLine(t *testing.T) {
	got := ClassifyLine(strings.Join(phpFatalLines, "\n"))
	if want := phpRecord(1001, 6); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
