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

	"github.com/badgateway/badgateway_exporter/collector"
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/discover"
)

const defaultConfigHint = "follow " + config.DefaultErrorLog + " (waiting for it if it does not exist yet)"

type serveOptions struct {
	configFile             string
	checkOnly              bool
	telemetryPath          string
	disableExporterMetrics bool
	maxRequests            int
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
	opts      *serveOptions
	logger    *slog.Logger
	collector *collector.Collector
	probes    *discover.Manager
	running   *config.Config // the configuration in force
	reloadMu  sync.Mutex
	ready     chan struct{}
}

func runServe(opts *serveOptions, logger *slog.Logger, stdout io.Writer) int {
	cfg, err := opts.loadConfig()
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
	// would end the process; one arriving now is handled once serving.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	e := &exporter{opts: opts, logger: logger, ready: make(chan struct{}), running: cfg}
	e.collector = collector.New(reg, logger)
	defer e.collector.Close()
	keepPositions(e.collector, cfg.Positions, logger)
	if err := e.collector.Apply(cfg); err != nil {
		logger.Error("Cannot start following logs", "err", err)
		return 1
	}
	e.probes = discover.NewManager(logger)
	if err := e.probes.Apply(cfg.Probes); err != nil {
		logger.Error("Invalid probes configuration", "err", err)
		return 1
	}
	reg.MustRegister(e.probes.Collector())
	e.probes.Start()
	defer e.probes.Stop()
	close(e.ready)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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

	server := &http.Server{Handler: e.routes(reg), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- web.ListenAndServe(server, opts.web, logger) }()
	select {
	case err := <-serveErr:
		logger.Error("Web server failed", "err", err)
		return 1
	case <-ctx.Done():
		logger.Info("Shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdownCtx)
		return 0
	}
}

// reload re-reads the configuration; on error the running one stays and
// counters are never reset.
func (e *exporter) reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	cfg, err := e.opts.loadConfig()
	if err == nil {
		err = e.collector.Apply(cfg)
		if err == nil {
			if err = e.probes.Apply(cfg.Probes); err != nil {
				_ = e.collector.Apply(e.running) // back to the running logs too
			}
		}
	}
	if err != nil {
		e.collector.ReloadFailed()
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
