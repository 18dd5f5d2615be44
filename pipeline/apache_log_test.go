package pipeline

import (
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/config"
)

// `format: apache_error` counts Apache's mod_proxy failures under
// proxy="apache".
func TestApacheErrorLogFormat(t *testing.T) {
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	newCounter, _, err := c.lineCounterFactory(config.LogConfig{Path: "/var/log/apache2/error.log", Format: config.FormatApacheError})
	if err != nil {
		t.Fatal(err)
	}
	f := newCounter("/var/log/apache2/error.log", slog.New(slog.DiscardHandler))
	for _, l := range []string{
		`[Wed Dec 02 14:53:06.123456 2026] [proxy:error] [pid 1234:tid 5] (111)Connection refused: AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (localhost) failed`,
		`[Wed Dec 02 14:53:06.123500 2026] [proxy:error] [pid 1234:tid 5] AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:8080) for 60s`,
		`[Wed Dec 02 14:53:06.123600 2026] [proxy_http:error] [pid 1234:tid 5] [client 192.0.2.1:4444] AH01114: HTTP: failed to make connection to backend: 127.0.0.1`,
		`[Wed Dec 02 14:53:07.000000 2026] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations`,
		"garbage",
	} {
		f.Line([]byte(l))
	}
	f.CaughtUp()
	const path = "/var/log/apache2/error.log"
	checkCounts(t, []countCheck{
		{"refused", c.m.UpstreamErrors.WithLabelValues("apache", "connection_refused", "127.0.0.1:8080", ""), 1},
		{"disabling worker is a health event", c.m.HealthEvents.WithLabelValues("apache", "127.0.0.1:8080", "down", "marked_down"), 1},
		{"classified", c.m.LogLines.WithLabelValues(path, "classified"), 2},
		{"ignored", c.m.LogLines.WithLabelValues(path, "ignored"), 2},
		{"unrecognized", c.m.LogLines.WithLabelValues(path, "unrecognized"), 1},
	})
}
