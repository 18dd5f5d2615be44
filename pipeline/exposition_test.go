package pipeline

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

// The whole path from raw line bytes to the /metrics body, for the fuzz
// target and the promtool test.

// expositionLimits keep the fuzz small enough to fill labels and hit the
// length cap.
var expositionLimits = config.Limits{MaxValuesPerLabel: 20, MaxLabelValueBytes: 64, LabelValueTTL: time.Hour}

// The source kinds fed by feedExposition.
const (
	feedNginxError = iota
	feedNginxAccess
	feedHAProxy
	feedAWSALB
	feedKinds
)

// feedExposition feeds input, split into lines as the tailer does, to a
// fresh source of the given kind and returns its registry and the number
// of lines fed.
func feedExposition(tb testing.TB, kind int, input []byte) (*prometheus.Registry, int) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	gov := collector.NewGovernor(expositionLimits.MaxValuesPerLabel, m.LabelValuesFolded)
	gov.SetLimits(expositionLimits)
	var lc lineCounter
	switch kind {
	case feedNginxError:
		lc = newErrorLogFile("/fuzz/error.log", m, gov)
	case feedNginxAccess:
		p, err := nginxaccess.Compile(realAccessFormat, nginxaccess.LogFormatEscapeNone)
		if err != nil {
			tb.Fatal(err)
		}
		lc = newAccessLogFile("/fuzz/access.log", p, "fallback", m, gov, slog.New(slog.DiscardHandler))
	case feedAWSALB:
		lc = newAWSLogFile("/fuzz/alb.log.gz", "/fuzz/*.log.gz", config.FormatAWSALB, m, gov, slog.New(slog.DiscardHandler))
	default:
		lc = newHAProxyLogFile("/fuzz/haproxy.log", m, gov)
	}
	lines := bytes.Split(input, []byte("\n"))
	for _, line := range lines {
		lc.Line(line)
	}
	lc.CaughtUp()
	return reg, len(lines)
}

// renderMetrics is the /metrics body of reg in the text format.
func renderMetrics(tb testing.TB, reg *prometheus.Registry) []byte {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatalf("gather: %v", err)
	}
	var body bytes.Buffer
	enc := expfmt.NewEncoder(&body, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			tb.Fatalf("encode %s: %v", mf.GetName(), err)
		}
	}
	return body.Bytes()
}

// checkExposition parses body back and checks what a scrape relies on.
func checkExposition(tb testing.TB, body []byte, linesFed int) {
	tb.Helper()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("the /metrics body does not parse: %v\n%.3000s", err, body)
	}
	var lines, panics float64
	for name, mf := range mfs {
		for _, metric := range mf.GetMetric() {
			for _, lp := range metric.GetLabel() {
				if v := lp.GetValue(); !utf8.ValidString(v) || len(v) > expositionLimits.MaxLabelValueBytes {
					tb.Fatalf("%s{%s=%q}: invalid UTF-8 or over %d bytes", name, lp.GetName(), v, expositionLimits.MaxLabelValueBytes)
				}
			}
			switch name {
			case "badgateway_log_lines_total":
				lines += metric.GetCounter().GetValue()
			case "badgateway_exporter_panics_total":
				panics += metric.GetCounter().GetValue()
			}
		}
	}
	if lines != float64(linesFed) {
		tb.Errorf("log_lines_total sums to %v, %d lines fed", lines, linesFed)
	}
	if panics != 0 {
		tb.Errorf("exporter_panics_total = %v: a line panicked (recovered, but a bug)", panics)
	}
}

// hostileLines are lines that once crashed the exporter or bloated /metrics.
func hostileLines() []string {
	huge := strings.Repeat("u", 300<<10)
	return []string{
		strings.Replace(refusedLine, "10.0.2.14", "10.0.2.\xff", 1),
		strings.Replace(refusedLine, "server: shop", "server: \xfe\xff\xc3", 1),
		strings.Replace(refusedLine, "10.0.2.14:8080", huge, 1),
		strings.Replace(refusedLine, "server: shop", "server: sh\x00op", 1),
		"2026/11/20 03:14:22 [error] 31#31: *5 ev\xffil.example could not be resolved (3: Host not found), client: 203.0.113.7, server: shop, request: \"GET / HTTP/1.1\", host: \"ev\xffil.example\"",
		"127.0.0.1:36848 [21/Nov/2026:11:01:14.047] f\xffe b\xffe/s\xff1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /x HTTP/1.1\"",
		"127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe " + huge + "/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /x HTTP/1.1\"",
		"127.0.0.1 - - [21/Nov/2026:11:01:14 +0000] \"GET / HTTP/1.1\" 502 0 \"-\" \"-\" sh\xffop 0.001 10.0.0.\xff:80, " + huge + " 502, 502 0.001, 0.002 -, - 0.000, 0.001",
		"\x00\x00\x00",
		"\xff\xfe\xfd",
		albEntry("10.0.0.\xff:80", "-1 -1 -1", "502", "-"),
		strings.Replace(albEntry("-", "-1 -1 -1", "503", "-"), "targetgroup/shop-targets/", "targetgroup/"+huge+"/", 1),
		strings.Replace(albEntry("10.0.0.1:80", "0.001 4.205 -1", "502", "-"), "app/shop-alb/", "app/sh\x00\xffop/", 1),
	}
}

// seedLines are the repository's real lines and the hostile ones.
func seedLines(tb testing.TB) []string {
	tb.Helper()
	lines := []string{refusedLine, disableLine, noticeLine, fcgiHead + "\n" + fcgiTail}
	for _, l := range realAccessLines(tb) {
		lines = append(lines, string(l))
	}
	for _, m := range albMix {
		lines = append(lines, m.line)
	}
	f, err := os.Open("../logparse/haproxy/testdata/haproxy-2.6.log")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			lines = append(lines, sc.Text())
		}
	}
	return append(lines, hostileLines()...)
}

// FuzzExposition feeds arbitrary bytes through a parser and the counting
// into the /metrics body, which must parse with every label value valid
// UTF-8 and within the length cap, and count every line exactly once.
func FuzzExposition(f *testing.F) {
	for _, line := range seedLines(f) {
		for kind := range feedKinds {
			f.Add(uint8(kind), []byte(line))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, input []byte) {
		reg, fed := feedExposition(t, int(kind)%feedKinds, input)
		checkExposition(t, renderMetrics(t, reg), fed)
	})
}

func TestExpositionOfHostileLines(t *testing.T) {
	for kind := range feedKinds {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			input := []byte(strings.Join(seedLines(t), "\n"))
			reg, fed := feedExposition(t, kind, input)
			checkExposition(t, renderMetrics(t, reg), fed)
		})
	}
}

func logparseRealAccessParser() (*nginxaccess.Parser, error) {
	return nginxaccess.Compile(realAccessFormat, nginxaccess.LogFormatEscapeNone)
}
