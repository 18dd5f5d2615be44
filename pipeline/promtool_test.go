package pipeline

import (
	"bytes"
	"fmt"
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/internal/promtest"
	"github.com/badgateway/badgateway_exporter/syslog"
)

// The /metrics body after hostile lines from every kind of source passes
// the real promtool's checks.
func TestHostileLinesPassPromtool(t *testing.T) {
	promtool := promtest.PromtoolBin.Require(t)
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	gov := collector.NewGovernor(expositionLimits.MaxValuesPerLabel, m.LabelValuesFolded)
	gov.SetLimits(expositionLimits)
	p, err := logparseRealAccessParser()
	if err != nil {
		t.Fatal(err)
	}
	sources := []lineCounter{
		newErrorLogFile("/var/log/nginx/\xff-error.log", m, gov),
		newAccessLogFile("/var/log/nginx/access.log", p, "fallback", m, gov, slog.New(slog.DiscardHandler)),
		newHAProxyLogFile("/var/log/haproxy.log", m, gov),
	}
	sc := config.SyslogConfig{Routes: map[string]config.Format{"haproxy": config.FormatHAProxy, "nginx": config.FormatNginxError}}
	listener := newSyslogSource("syslog://127.0.0.1:5514", sc, m, gov, slog.New(slog.DiscardHandler))
	for i, line := range seedLines(t) {
		for _, src := range sources {
			src.Line([]byte(line))
		}
		tag := "nginx"
		if i%2 == 1 {
			tag = "haproxy"
		}
		listener.Message(&syslog.Message{Tag: []byte(tag), Content: []byte(line)})
	}
	for i := range 3 * expositionLimits.MaxValuesPerLabel { // fill the labels: __other__ appears
		sources[0].Line(refusedFrom(fmt.Sprintf("10.9.%d.\xff:80", i)))
	}

	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.Bytes()
	if rec.Code != http.StatusOK || !bytes.Contains(body, []byte(collector.OtherValue)) || !bytes.Contains(body, []byte("\uFFFD")) {
		t.Fatalf("status %d; the body lacks %s or U+FFFD:\n%.2000s", rec.Code, collector.OtherValue, body)
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s\nbody:\n%.3000s", err, out, body)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("promtool check metrics says:\n%s", s)
	}
}
