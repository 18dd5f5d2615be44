package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/diagnose/live"
	"github.com/badgateway/badgateway_exporter/pipeline"
	"github.com/badgateway/badgateway_exporter/probe/runner"
)

const defaultConfigHint = "follow " + config.DefaultErrorLog + " (waiting for it if it does not exist yet)"

type serveOptions struct {
	configFile             string
	checkOnly              bool
	telemetryPath          string
	disableExporterMetrics bool
	maxRequests            int
	maxConnections         int
	readHeaderTimeout      time.Duration
	idleTimeout            time.Duration
	enableLifecycle        bool
	web                    *web.FlagConfig
}

// loadConfig reads --config.file, or returns the default configuration.
func (o *serveOptions) loadConfig() (*config.Config, error) {
	if o.configFile == "" {
		return config.Default(), nil
	}
	return config.Load(o.configFile)
}

// exporter is the running server's state shared by the HTTP handlers and the
// signal loop.
type exporter struct {
	opts     *serveOptions
	logger   *slog.Logger
	pipeline *pipeline.Pipeline
	probes   *runner.Manager
	diagnose *live.Page     // the /diagnose page
	running  *config.Config // the configuration in force
	reloadMu sync.Mutex
	ready    chan struct{} // closed once every source of the configuration has started
}

// testHookStarting, when a test sets it, runs once the HTTP server is
// started and before the logs, listeners and probes are.
var testHookStarting func()

func runServe(ctx context.Context, opts *serveOptions, logger *slog.Logger, stdout io.Writer) int {
	cfg, err := opts.loadConfig()
	if err == nil {
		// The log formats too (read from nginx.conf, compiled), so that a
		// bad one stops the exporter before it serves, as --config.check does.
		err = pipeline.CheckConfig(cfg)
	}
	if err != nil {
		logger.Error("Invalid configuration", "err", err)
		return 1
	}
	if opts.checkOnly {
		fmt.Fprintf(stdout, "%s: configuration is valid (%d logs)\n", configName(opts.configFile), len(cfg.Logs))
		return 0
	}
	logger.Info("Starting "+programName, "version", version.Info(), "build_context", version.BuildContext())

	reg := prometheus.NewRegistry()
	reg.MustRegister(versioncollector.NewCollector(programName))
	if !opts.disableExporterMetrics {
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	// Catch SIGHUP before the (possibly long) start: its default action
	// would end the process; one arriving now is handled once started.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	e := &exporter{opts: opts, logger: logger, ready: make(chan struct{}), running: cfg}
	e.pipeline = pipeline.New(reg, logger)
	defer e.pipeline.Close()
	e.probes = runner.New(logger)
	defer e.probes.Stop()
	reg.MustRegister(e.probes.Collector())
	// Before the logs and probes start: everything they count is history.
	e.diagnose = live.New(live.Options{Gatherer: reg, Probes: e.probes, Logger: logger})
	e.diagnose.Start()
	defer e.diagnose.Stop()

	// Serve first, so that /-/healthy answers (and /-/ready says 503) while
	// the logs and probes start.
	server := newHTTPServer(e.routes(reg), opts, logger)
	serveErr, served := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(served)
		serveErr <- web.ListenAndServe(server, opts.web, logger)
	}()
	defer shutdown(server, served, logger)
	if testHookStarting != nil {
		testHookStarting()
	}
	if err := e.start(cfg); err != nil {
		logger.Error("Cannot start", "err", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	go func() {
		for {
			select {
			case <-hup:
				_ = e.reload() // logged inside
			case <-ctx.Done():
				return
			}
		}
	}()
	select {
	case err := <-serveErr:
		logger.Error("Web server failed", "err", err)
		return 1
	case <-ctx.Done():
		return 0
	}
}

// start starts the logs, listeners and probes of cfg, then marks the
// exporter ready.
func (e *exporter) start(cfg *config.Config) error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	keepPositions(e.pipeline, cfg.Positions, e.logger)
	if err := e.pipeline.Apply(cfg); err != nil {
		return fmt.Errorf("following logs: %w", err)
	}
	if err := e.probes.Apply(cfg.Probes); err != nil {
		return fmt.Errorf("probes: %w", err)
	}
	e.probes.Start()
	close(e.ready)
	return nil
}

// shutdown stops serving, giving requests under way 5 seconds, and waits
// as long for ListenAndServe to return (served closed): after a failed
// start it may only be about to listen.
func shutdown(server *http.Server, served <-chan struct{}, logger *slog.Logger) {
	logger.Info("Shutting down")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
	select {
	case <-served:
	case <-ctx.Done():
	}
}

// reload re-reads the configuration; on error the running one stays and
// counters are never reset.
func (e *exporter) reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	select {
	case <-e.ready:
	default: // still starting, or the start failed
		return errNotReady
	}
	cfg, err := e.opts.loadConfig()
	if err == nil {
		err = e.probes.Check(cfg.Probes) // before anything changes
	}
	if err == nil {
		err = e.pipeline.Apply(cfg)
	}
	if err == nil {
		err = e.probes.Apply(cfg.Probes) // checked: cannot fail
	}
	if err != nil {
		e.pipeline.ReloadFailed()
		e.logger.Error("Reloading configuration failed; keeping the running one", "file", e.opts.configFile, "err", err)
		return err
	}
	e.running = cfg
	e.logger.Info("Reloaded configuration", "file", configName(e.opts.configFile), "logs", len(cfg.Logs))
	return nil
}

func configName(file string) string {
	if file == "" {
		return "built-in default configuration"
	}
	return file
}

var errNotReady = errors.New("not ready")
