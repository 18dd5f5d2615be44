package pipeline

import (
	"errors"
	"github.com/badgateway/badgateway_exporter/collector"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/syslog"
)

func TestSyslogSourceRoutesAndCounts(t *testing.T) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	sc := config.SyslogConfig{Routes: map[string]config.Format{"haproxy": config.FormatHAProxy, "nginx": config.FormatNginxError}}
	const path = "syslog://127.0.0.1:5514"
	s := newSyslogSource(path, sc, m, collector.NewGovernor(100, m.LabelValuesFolded), slog.New(slog.DiscardHandler))

	s.Message(&syslog.Message{Tag: []byte("haproxy"), Content: []byte(`127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /x HTTP/1.1"`)})
	// nginx sends a FastCGI record with its newlines in one message.
	s.Message(&syslog.Message{Tag: []byte("nginx"), Content: []byte("2026/11/21 11:01:30 [error] 7#7: *1 FastCGI sent in stderr: \"PHP message: boom\nStack trace:\n#0 {main}\" while reading response header from upstream, client: 10.0.0.1, server: blog, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://unix:/run/php.sock:\", host: \"blog\"")})
	s.Message(&syslog.Message{Tag: []byte("sshd"), Content: []byte("Accepted publickey")})
	s.Event(syslog.Event{Kind: syslog.Malformed, Err: errors.New("no PRI")})
	s.Event(syslog.Event{Kind: syslog.Truncated})
	// evicted is exported at 0 before any eviction.
	if n := testutil.CollectAndCount(m.SyslogErrors); n != 3 {
		t.Errorf("%d syslog_errors_total series, want malformed, truncated and evicted", n)
	}
	s.Event(syslog.Event{Kind: syslog.Evicted, Remote: "127.0.0.1:40000"})
	s.Event(syslog.Event{Kind: syslog.Dropped, Count: 7})
	s.Event(syslog.Event{Kind: syslog.Dropped, Count: 5})

	for _, c := range []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"haproxy refused", m.UpstreamErrors.WithLabelValues("haproxy", "connection_refused", "be/s1", "fe"), 1},
		{"haproxy request", m.Requests.WithLabelValues("haproxy", "fe", "be/s1", "503"), 1},
		{"nginx fastcgi, one record", m.UpstreamErrors.WithLabelValues("nginx", "fastcgi_stderr", "unix:/run/php.sock", "blog"), 1},
		{"unrouted and malformed", m.LogLines.WithLabelValues(path, "unrecognized"), 2},
		{"malformed", m.SyslogErrors.WithLabelValues(path, "malformed"), 1},
		{"truncated", m.SyslogErrors.WithLabelValues(path, "truncated"), 1},
		{"evicted", m.SyslogErrors.WithLabelValues(path, "evicted"), 1},
		{"dropped", m.SyslogDropped.WithLabelValues(path), 12},
	} {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
}

// The listener settings of the config reach the listeners: max_connections
// (an eviction), socket_mode, and the drop counter of a UDP listener,
// exported at 0 from the start.
func TestStartSyslogSettings(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log.sock")
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	yml := "syslog:\n" +
		"  - listen: tcp://127.0.0.1:0\n    max_connections: 1\n" +
		"  - listen: udp://127.0.0.1:0\n    read_buffer_bytes: 65536\n" +
		"  - listen: unixgram://" + sock + "\n    socket_mode: 0620\n"
	if err := c.Apply(parse(t, yml)); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o620 {
		t.Errorf("socket file: %v, %v; want mode 0620", fi, err)
	}
	if n := testutil.CollectAndCount(c.m.SyslogDropped); n != 1 {
		t.Errorf("%d syslog_dropped_total series, want the UDP listener's only", n)
	}
	if got := testutil.ToFloat64(c.m.SyslogDropped.WithLabelValues("syslog://127.0.0.1:0")); got != 0 {
		t.Errorf("dropped = %v", got)
	}
	if n := testutil.CollectAndCount(c.m.SyslogDropped); n != 1 {
		t.Errorf("%d syslog_dropped_total series: the one exported was not the UDP listener's", n)
	}
	addr := c.listeners["tcp://127.0.0.1:0"].l.Addr().String()
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
	}
	waitCount(t, c.m.SyslogErrors.WithLabelValues("syslog+tcp://127.0.0.1:0", "evicted"), 1)
}

// Apache's `ErrorLog syslog:local1` sends its error-log lines without the
// timestamp, tagged with the program name; a route to apache_error reads them.
func TestSyslogSourceApacheRoute(t *testing.T) {
	m := collector.NewMetrics(prometheus.NewRegistry())
	sc := config.SyslogConfig{Routes: map[string]config.Format{"httpd": config.FormatApacheError, "apache2": config.FormatApacheError}}
	const path = "syslog://127.0.0.1:5514"
	s := newSyslogSource(path, sc, m, collector.NewGovernor(100, m.LabelValuesFolded), slog.New(slog.DiscardHandler))
	s.Message(&syslog.Message{Tag: []byte("httpd"), Content: []byte("[proxy:error] [pid 1234:tid 5678] (111)Connection refused: [client 127.0.0.1:5555] AH00957: http: attempt to connect to 127.0.0.1:8080 (127.0.0.1:8080) failed")})
	s.Message(&syslog.Message{Tag: []byte("apache2"), Content: []byte("[proxy_http:error] [pid 1234:tid 5679] (20014)Internal error (specific information not available): [client 127.0.0.1:5556] AH01102: error reading status line from remote server 127.0.0.1:8081")})
	s.Message(&syslog.Message{Tag: []byte("apache2"), Content: []byte("[mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations")})
	if got := testutil.ToFloat64(m.UpstreamErrors.WithLabelValues("apache", "connection_refused", "127.0.0.1:8080", "")); got != 1 {
		t.Errorf("apache connection_refused = %v, want 1\n%s", got, dumpSeries(t, m.UpstreamErrors))
	}
	if got := testutil.ToFloat64(m.LogLines.WithLabelValues(path, "classified")); got != 2 {
		t.Errorf("classified lines = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.LogLines.WithLabelValues(path, "unrecognized")); got != 0 {
		t.Errorf("unrecognized lines = %v, want 0", got)
	}
}

func dumpSeries(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out string
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out += m.String() + "\n"
		}
	}
	return out
}
