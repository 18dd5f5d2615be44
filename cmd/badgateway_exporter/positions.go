package main

import (
	"errors"
	"log/slog"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/pipeline"
	"github.com/badgateway/badgateway_exporter/positions"
)

// keepPositions opens the positions file of cfg and hands it to c. Without
// a usable file the exporter still runs, saying once what it costs: every
// start then begins at the end of the logs (or their beginning with
// from_beginning).
func keepPositions(c *pipeline.Pipeline, cfg config.PositionsConfig, logger *slog.Logger) {
	if cfg.Disabled {
		logger.Info("Positions are disabled: a restart starts at the end of the logs")
		return
	}
	store, err := positions.Open(cfg.File)
	switch {
	case store == nil:
		hint := "set positions.file to a writable path, or positions.disabled: true"
		if errors.Is(err, positions.ErrLocked) {
			hint = "another exporter uses it: give each its own positions.file"
		}
		logger.Error("Positions file unusable; lines written while the exporter is down will not be counted", "err", err, "fix", hint)
		return
	case err != nil:
		logger.Error("Positions file unreadable; starting afresh (at the end of the logs) and overwriting it", "err", err)
		store.Reset()
	}
	c.KeepPositions(store, cfg.SyncPeriod)
	logger.Info("Keeping positions", "file", cfg.File, "sync_period", cfg.SyncPeriod)
}
