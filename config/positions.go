package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultPositionsDir is where positions are kept when neither
// positions.file nor $STATE_DIRECTORY (set by systemd's StateDirectory=)
// says otherwise.
const DefaultPositionsDir = "/var/lib/badgateway_exporter"

// DefaultPositionsSyncPeriod is how often positions are saved: at most
// this much of the logs is counted again after a crash.
const DefaultPositionsSyncPeriod = 10 * time.Second

// PositionsConfig says where the exporter records how far it read each log
// file, so that after a restart it continues there: lines written while it
// was down are counted, lines counted before are not counted again.
type PositionsConfig struct {
	// File is the positions file. Default $STATE_DIRECTORY/positions.json,
	// else /var/lib/badgateway_exporter/positions.json.
	File string `yaml:"file"`
	// SyncPeriod is how often the file is written (and at shutdown).
	SyncPeriod time.Duration `yaml:"sync_period"`
	// Disabled turns positions off: every start begins at the end of the
	// files (or their beginning with from_beginning).
	Disabled bool `yaml:"disabled"`
}

// SetDefaults fills the defaults of the positions section.
func (p *PositionsConfig) SetDefaults() {
	p.File = DefaultPositionsFile()
	p.SyncPeriod = DefaultPositionsSyncPeriod
}

// DefaultPositionsFile is the positions file used when none is configured.
func DefaultPositionsFile() string {
	dir := DefaultPositionsDir
	if sd, _, _ := strings.Cut(os.Getenv("STATE_DIRECTORY"), ":"); sd != "" {
		dir = sd
	}
	return filepath.Join(dir, "positions.json")
}

func (p *PositionsConfig) validate() (string, error) {
	if p.Disabled {
		return "", nil
	}
	if p.File == "" {
		return "file", fmt.Errorf("missing: give a path, or disabled: true")
	}
	if p.SyncPeriod < 100*time.Millisecond {
		return "sync_period", fmt.Errorf("must be at least 100ms, got %v", p.SyncPeriod)
	}
	return "", nil
}
