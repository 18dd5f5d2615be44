package alerts_test

import (
	"io"
	"log/slog"
	"regexp"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"

	"github.com/badgateway/badgateway_exporter/pipeline"
	"github.com/badgateway/badgateway_exporter/probe/runner"
)

// prometheusMetrics are series Prometheus itself creates for every target.
var prometheusMetrics = []string{"up"}

// programName is cmd/badgateway_exporter's, which names the build_info metric.
const programName = "badgateway_exporter"

// recorder is a Registerer that keeps what is registered with it.
type recorder struct {
	prometheus.Registerer
	collectors []prometheus.Collector
}

func (r *recorder) Register(c prometheus.Collector) error {
	r.collectors = append(r.collectors, c)
	return r.Registerer.Register(c)
}

func (r *recorder) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

// registeredMetrics returns the metric names the exporter registers, built
// from the real registrations: pipeline.New (what serve.go does), the
// version collector and the Go and process collectors. Histograms and
// summaries also give their _bucket, _sum and _count series.
func registeredMetrics(t *testing.T) map[string]bool {
	t.Helper()
	rec := &recorder{Registerer: prometheus.NewRegistry()}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := pipeline.New(rec, logger)
	defer c.Close()
	probes := runner.New(logger)
	rec.MustRegister(probes.Collector())
	rec.MustRegister(versioncollector.NewCollector(programName),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	names := map[string]bool{}
	for _, col := range rec.collectors {
		suffixes := []string{""}
		switch col.(type) {
		case *prometheus.HistogramVec, prometheus.Histogram:
			suffixes = []string{"", "_bucket", "_sum", "_count"}
		case *prometheus.SummaryVec, prometheus.Summary:
			suffixes = []string{"", "_sum", "_count"}
		}
		ch := make(chan *prometheus.Desc, 1024)
		col.Describe(ch)
		close(ch)
		for d := range ch {
			m := fqName.FindStringSubmatch(d.String())
			if m == nil {
				t.Fatalf("cannot read the name of %s", d)
			}
			for _, s := range suffixes {
				names[m[1]+s] = true
			}
		}
	}
	if !names["badgateway_upstream_errors_total"] {
		t.Fatalf("registered metrics lack badgateway_upstream_errors_total: %v", names)
	}
	return names
}

// allowedMetrics is registered ∪ what Prometheus adds.
func allowedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	allowed := registeredMetrics(t)
	for _, n := range prometheusMetrics {
		allowed[n] = true
	}
	return allowed
}

// namedExpr is a PromQL expression and where it comes from.
type namedExpr struct{ where, expr string }

// shippedExprs returns every PromQL expression the project ships: rule
// exprs, queries inside annotation templates, dashboard panel queries and
// dashboard variable queries (Grafana variables substituted).
func shippedExprs(t *testing.T) []namedExpr {
	t.Helper()
	var out []namedExpr
	for _, r := range loadRules(t) {
		name := r.Alert + r.Record
		out = append(out, namedExpr{rulesFile + ": " + name + " expr", r.Expr})
		for k, a := range r.Annotations {
			for _, q := range annotationQueries(a) {
				out = append(out, namedExpr{rulesFile + ": " + name + " annotation " + k, q})
			}
		}
	}
	for _, q := range dashboardQueries(t) {
		e, err := substituteGrafana(q.expr, parseValues)
		if err != nil {
			t.Errorf("%s: %v", q.key, err)
			continue
		}
		out = append(out, namedExpr{"dashboard " + q.key, e})
	}
	for _, d := range loadDashboards(t) {
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			q := variableQuery(v.queryText())
			if q == "" {
				t.Errorf("%s: variable %s: query %q has no selector to check", d.file, v.Name, v.queryText())
				continue
			}
			e, err := substituteGrafana(q, parseValues)
			if err != nil {
				t.Errorf("%s: variable %s: %v", d.file, v.Name, err)
				continue
			}
			out = append(out, namedExpr{d.file + ": variable " + v.Name, e})
		}
	}
	return out
}

// TestExpressionsUseRegisteredMetrics parses every shipped expression with
// the PromQL parser and fails on a metric name the exporter does not
// register (nor metrics.md promises in pendingMetricsFromSpec).
func TestExpressionsUseRegisteredMetrics(t *testing.T) {
	allowed := allowedMetrics(t)
	var rec ruleFile
	readYAML(t, recordingFile, &rec)
	for _, g := range rec.Groups {
		for _, r := range g.Rules {
			allowed[r.Record] = true // what the dashboards may read besides the exporter's metrics
		}
	}
	used := map[string]bool{}
	for _, e := range shippedExprs(t) {
		names, err := selectorNames(e.expr)
		if err != nil {
			t.Errorf("%s: %v\n%s", e.where, err, e.expr)
			continue
		}
		for _, n := range names {
			used[n] = true
			if !allowed[n] {
				t.Errorf("%s: metric %s is not registered by the exporter (nor pending in metrics.md)", e.where, n)
			}
		}
	}
	if !used["badgateway_upstream_errors_total"] || !used["badgateway_probe_success"] {
		t.Errorf("expression extraction found too little: %v", used)
	}
}
