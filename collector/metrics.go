package collector

import (
	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "badgateway"

// Metrics are the log-derived metrics and the exporter's own health metrics.
type Metrics struct {
	UpstreamErrors *prometheus.CounterVec // proxy, cause, upstream, server
	HealthEvents   *prometheus.CounterVec // proxy, upstream, state, cause

	Requests           *prometheus.CounterVec   // proxy, server, upstream, status
	GeneratedResponses *prometheus.CounterVec   // proxy, server, upstream, status
	UpstreamAttempts   *prometheus.CounterVec   // proxy, upstream, status
	UpstreamResponse   *prometheus.HistogramVec // proxy, upstream

	LogLines       *prometheus.CounterVec // path, result
	LogReadErrors  *prometheus.CounterVec // path
	LogRotations   *prometheus.CounterVec // path
	LogTruncations *prometheus.CounterVec // path
	LogLastLine    *prometheus.GaugeVec   // path

	SyslogErrors         *prometheus.CounterVec // path, kind
	SyslogDropped        *prometheus.CounterVec // path
	LabelValuesFolded    *prometheus.CounterVec // label
	LabelValuesSanitized *prometheus.CounterVec // label, reason
	LabelValuesExpired   *prometheus.CounterVec // label
	Panics               *prometheus.CounterVec // source

	ReloadSuccess     prometheus.Gauge
	ReloadSuccessTime prometheus.Gauge

	PositionsSaved      prometheus.Gauge
	PositionsSaveErrors prometheus.Counter
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		UpstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_errors_total",
			Help: "Upstream-failure log records, by proxy, cause, upstream peer and virtual server.",
		}, []string{"proxy", "cause", "upstream", "server"}),
		HealthEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_health_events_total",
			Help: "Upstream state changes seen in logs (nginx 'upstream server temporarily disabled', HAProxy server DOWN/UP).",
		}, []string{"proxy", "upstream", "state", "cause"}),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "requests_total",
			Help: "Requests in access logs (nginx access log, HAProxy HTTP/TCP log), by the status the client got (\"\" when none was sent).",
		}, []string{"proxy", "server", "upstream", "status"}),
		GeneratedResponses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "proxy_generated_responses_total",
			Help: "Requests whose 5xx status the proxy generated because the upstream failed (not a status the backend sent).",
		}, []string{"proxy", "server", "upstream", "status"}),
		UpstreamAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "upstream_attempts_total",
			Help: "Upstream attempts (nginx $upstream_addr/$upstream_status lists), including those a retry hid, by the status of the attempt.",
		}, []string{"proxy", "upstream", "status"}),
		UpstreamResponse: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "upstream_response_seconds",
			Help:    "Upstream response time per attempt ($upstream_response_time, HAProxy Tr).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"proxy", "upstream"}),
		LogLines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "log_lines_total",
			Help: "Log lines read, by file and result (classified, ignored, unrecognized).",
		}, []string{"path", "result"}),
		LogReadErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "log_read_errors_total",
			Help: "Errors opening or reading a log file.",
		}, []string{"path"}),
		LogRotations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "log_rotations_total",
			Help: "Rotations (file replaced by a new one at the same path) of a followed log file.",
		}, []string{"path"}),
		LogTruncations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "log_truncations_total",
			Help: "Truncations (copytruncate) of a followed log file.",
		}, []string{"path"}),
		LogLastLine: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "log_last_line_timestamp_seconds",
			Help: "Unix time at which the last line of the file was read.",
		}, []string{"path"}),
		SyslogErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "syslog_errors_total",
			Help: "Syslog messages that could not be read whole: malformed (skipped), truncated (over max_message_bytes), evicted (an idle TCP connection closed at the connection limit to let a new one in).",
		}, []string{"path", "kind"}),
		SyslogDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "syslog_dropped_total",
			Help: "Syslog datagrams the kernel dropped for a UDP listener's socket because its receive buffer was full (SO_RXQ_OVFL).",
		}, []string{"path"}),
		LabelValuesFolded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "label_values_folded_total",
			Help: "Increments whose label value was folded into __other__ because the label reached limits.max_values_per_label distinct values.",
		}, []string{"label"}),
		LabelValuesSanitized: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "label_values_sanitized_total",
			Help: "Increments whose label value from a log was changed: invalid UTF-8 replaced with U+FFFD (reason=invalid_utf8), or cut to limits.max_label_value_bytes (reason=too_long).",
		}, []string{"label", "reason"}),
		LabelValuesExpired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "label_values_expired_total",
			Help: "Label values whose series were deleted because the label was full and the value was not used for limits.label_value_ttl.",
		}, []string{"label"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "exporter", Name: "panics_total",
			Help: "Log lines or syslog messages whose handling panicked (a bug: please report it); the line is counted as unrecognized.",
		}, []string{"source"}),
		ReloadSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "exporter", Name: "config_last_reload_successful",
			Help: "Whether the last configuration reload attempt was successful.",
		}),
		ReloadSuccessTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "exporter", Name: "config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful configuration load.",
		}),
		PositionsSaved: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "exporter", Name: "positions_last_save_timestamp_seconds",
			Help: "Unix time at which the positions file (how far each log was read) was last written.",
		}),
		PositionsSaveErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "exporter", Name: "positions_save_errors_total",
			Help: "Failed writes of the positions file.",
		}),
	}
	reg.MustRegister(m.PositionsSaved, m.PositionsSaveErrors)
	reg.MustRegister(m.UpstreamErrors, m.HealthEvents, m.Requests, m.GeneratedResponses,
		m.UpstreamAttempts, m.UpstreamResponse, m.LogLines, m.LogReadErrors,
		m.LogRotations, m.LogTruncations, m.LogLastLine, m.SyslogErrors, m.SyslogDropped, m.LabelValuesFolded,
		m.LabelValuesSanitized, m.LabelValuesExpired, m.Panics,
		m.ReloadSuccess, m.ReloadSuccessTime)
	for _, source := range []string{PanicSourceNginxError, PanicSourceNginxAccess, PanicSourceHAProxy, PanicSourceApacheError, PanicSourceApacheAccess, PanicSourceAWS, PanicSourceSyslog} {
		m.Panics.WithLabelValues(source) // 0 from the start, for increase() in alerts
	}
	return m
}

// The `source` values of badgateway_exporter_panics_total: the kinds of
// input whose handling recovers from a panic (package pipeline).
const (
	PanicSourceNginxError   = "nginx_error"
	PanicSourceNginxAccess  = "nginx_access"
	PanicSourceHAProxy      = "haproxy"
	PanicSourceApacheError  = "apache_error"
	PanicSourceApacheAccess = "apache_access"
	PanicSourceSyslog       = "syslog"
	PanicSourceAWS          = "aws_access" // AWS load balancer access logs (aws_alb, aws_elb)
)

// seriesVec is a metric vector whose series can be listed and deleted.
type seriesVec interface {
	prometheus.Collector
	Delete(prometheus.Labels) bool
}

// vecsWithLabel are the vectors that carry a governed label.
func (m *Metrics) vecsWithLabel(label string) []seriesVec {
	switch label {
	case "upstream":
		return []seriesVec{m.UpstreamErrors, m.HealthEvents, m.Requests, m.GeneratedResponses, m.UpstreamAttempts, m.UpstreamResponse}
	case "server":
		return []seriesVec{m.UpstreamErrors, m.Requests, m.GeneratedResponses}
	case "path":
		return []seriesVec{m.LogLines, m.LogReadErrors, m.LogRotations, m.LogTruncations, m.LogLastLine, m.SyslogErrors}
	}
	return nil
}
