package main

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// routes builds the HTTP handler: landing page, metrics, probes, diagnose, health,
// readiness (the configuration is loaded and every source started) and
// reload.
func (e *exporter) routes(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	var metrics http.Handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:            slogErrorLog{e.logger},
		MaxRequestsInFlight: e.opts.maxRequests,
		Registry:            reg,
	})
	if !e.opts.disableExporterMetrics {
		metrics = promhttp.InstrumentMetricHandler(reg, metrics)
	}
	mux.Handle(e.opts.telemetryPath, metrics)
	mux.Handle("/probes", e.probes.StatusHandler())
	if e.diagnose != nil {
		mux.Handle("/diagnose", e.diagnose)
	}
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "Healthy")
	})
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) {
		select {
		case <-e.ready:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "Ready")
		default:
			http.Error(w, errNotReady.Error(), http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("/-/reload", e.handleReload)
	if e.opts.telemetryPath != "/" {
		landing, err := web.NewLandingPage(web.LandingConfig{
			Name:        "badgateway exporter",
			Description: "Labels nginx upstream failures (502/503/504) by cause",
			Version:     version.Info(),
			Links: []web.LandingLinks{
				{Address: e.opts.telemetryPath, Text: "Metrics"},
				{Address: "/probes", Text: "Probes: targets, last result and cause, targets that cannot be probed"},
				{Address: "/diagnose", Text: "Diagnose: what is failing now, why, and the fix"},
				{Address: "/-/healthy", Text: "Health"},
				{Address: "/-/ready", Text: "Readiness"},
			},
		})
		if err != nil {
			e.logger.Error("Cannot build the landing page", "err", err)
		} else {
			mux.Handle("/", landing)
		}
	}
	return mux
}

// handleReload reloads the configuration on POST or PUT /-/reload, if
// --web.enable-lifecycle allows it (as in Prometheus) and the request does
// not come from a web page of another origin.
func (e *exporter) handleReload(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method != http.MethodPost && r.Method != http.MethodPut:
		w.Header().Set("Allow", "POST, PUT")
		http.Error(w, "use POST to reload the configuration", http.StatusMethodNotAllowed)
		return
	case !e.opts.enableLifecycle:
		http.Error(w, "Lifecycle API is not enabled.", http.StatusForbidden)
		return
	case crossOrigin(r):
		http.Error(w, "cross-origin reload refused", http.StatusForbidden)
		return
	}
	err := e.reload()
	switch {
	case errors.Is(err, errNotReady):
		http.Error(w, "still starting; try again once /-/ready answers 200", http.StatusServiceUnavailable)
	case err != nil:
		http.Error(w, fmt.Sprintf("failed to reload config: %v", err), http.StatusInternalServerError)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "Reloaded")
	}
}

// slogErrorLog adapts slog to promhttp's error logger.
type slogErrorLog struct {
	l interface{ Error(string, ...any) }
}

func (s slogErrorLog) Println(v ...any) { s.l.Error(fmt.Sprint(v...)) }
