package s3source

import "github.com/prometheus/client_golang/prometheus"

// Error kinds of badgateway_s3_errors_total.
const (
	ErrorList        = "list"          // a listing failed; tried again at the next poll
	ErrorGet         = "get"           // opening or reading an object failed
	ErrorSkipped     = "skipped"       // an object given up on after objectAttempts polls, or left half read
	ErrorDeleted     = "deleted"       // an object gone between the listing and the download
	ErrorGzip        = "gzip"          // a corrupt gzip stream; the rest of the object is skipped
	ErrorLineTooLong = "line_too_long" // a line cut at the line limit
	ErrorPosition    = "position"      // the position could not be saved
	ErrorIgnoredKey  = "ignored_key"   // a dated listing's key without a date folder, or dated after tomorrow: read, but never the last key
)

// Metrics are the self-metrics of the S3 sources, by source (path label,
// s3://BUCKET/PREFIX, as in badgateway_log_lines_total).
type Metrics struct {
	Objects    *prometheus.CounterVec // path
	Bytes      *prometheus.CounterVec // path
	Errors     *prometheus.CounterVec // path, kind
	LastObject *prometheus.GaugeVec   // path
	LastList   *prometheus.GaugeVec   // path
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Objects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "badgateway", Subsystem: "s3", Name: "objects_total",
			Help: "Log objects read from S3 to the end, their lines counted.",
		}, []string{"path"}),
		Bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "badgateway", Subsystem: "s3", Name: "bytes_total",
			Help: "Bytes of log objects downloaded from S3 (as stored: compressed for .gz).",
		}, []string{"path"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "badgateway", Subsystem: "s3", Name: "errors_total",
			Help: "S3 source errors by kind: list, get, skipped, deleted, gzip, line_too_long, position.",
		}, []string{"path", "kind"}),
		LastObject: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "badgateway", Subsystem: "s3", Name: "last_object_timestamp_seconds",
			Help: "Last-modified time of the last object read; time() minus it is how far behind the source is.",
		}, []string{"path"}),
		LastList: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "badgateway", Subsystem: "s3", Name: "last_list_timestamp_seconds",
			Help: "Unix time of the last successful listing of new objects.",
		}, []string{"path"}),
	}
	reg.MustRegister(m.Objects, m.Bytes, m.Errors, m.LastObject, m.LastList)
	return m
}

// sourceMetrics are the series of one source.
type sourceMetrics struct {
	objects, bytes     prometheus.Counter
	lastObject, listed prometheus.Gauge
	errors             map[string]prometheus.Counter
}

func (m *Metrics) forSource(path string) *sourceMetrics {
	sm := &sourceMetrics{
		objects: m.Objects.WithLabelValues(path), bytes: m.Bytes.WithLabelValues(path),
		lastObject: m.LastObject.WithLabelValues(path), listed: m.LastList.WithLabelValues(path),
		errors: map[string]prometheus.Counter{},
	}
	for _, k := range []string{ErrorList, ErrorGet, ErrorSkipped, ErrorDeleted, ErrorGzip, ErrorLineTooLong, ErrorPosition, ErrorIgnoredKey} {
		sm.errors[k] = m.Errors.WithLabelValues(path, k)
	}
	return sm
}
