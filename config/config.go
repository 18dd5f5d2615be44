// Package config loads and validates the exporter's YAML configuration.
// Decoding is strict: an unknown key, a value of the wrong type or a value
// out of range is an error that names the file, the line and the field.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// DefaultErrorLog is what the exporter tails when it runs without a config file.
const DefaultErrorLog = "/var/log/nginx/error.log"

// DefaultMaxValuesPerLabel bounds the distinct values of a log-derived label.
const DefaultMaxValuesPerLabel = 1000

// Config is the whole configuration file.
type Config struct {
	Logs   []LogConfig  `yaml:"logs"`
	Limits Limits       `yaml:"limits"`
	Probes ProbesConfig `yaml:"probes"`
}

// LogConfig is one log file (or glob of files) to follow.
type LogConfig struct {
	Path          string `yaml:"path"`           // a file path or a glob
	Format        Format `yaml:"format"`         // how to read its lines
	FromBeginning bool   `yaml:"from_beginning"` // read what is already there instead of starting at the end
}

// Limits bound what the exporter keeps.
type Limits struct {
	MaxValuesPerLabel int `yaml:"max_values_per_label"`
}

// Format names a log line format.
type Format string

// Formats understood by the exporter.
const (
	FormatNginxError Format = "nginx_error"
)

var knownFormats = []Format{FormatNginxError}

// UnmarshalYAML accepts only known format names.
func (f *Format) UnmarshalYAML(node *yaml.Node) error {
	var s string
	if err := node.Decode(&s); err != nil {
		return err
	}
	for _, k := range knownFormats {
		if Format(s) == k {
			*f = k
			return nil
		}
	}
	return fmt.Errorf("unknown format %q (known: %v)", s, knownFormats)
}

// SetDefaults fills the defaults of a log entry.
func (l *LogConfig) SetDefaults() { l.Format = FormatNginxError }

func (l *LogConfig) validate() (string, error) {
	if l.Path == "" {
		return "path", errors.New("missing: give a file path or a glob")
	}
	if _, err := filepath.Match(l.Path, ""); err != nil {
		return "path", fmt.Errorf("bad glob %q: %w", l.Path, err)
	}
	return "", nil
}

// SetDefaults fills the default limits.
func (l *Limits) SetDefaults() { l.MaxValuesPerLabel = DefaultMaxValuesPerLabel }

func (l *Limits) validate() (string, error) {
	if l.MaxValuesPerLabel < 1 {
		return "max_values_per_label", fmt.Errorf("must be at least 1, got %d", l.MaxValuesPerLabel)
	}
	return "", nil
}

func (c *Config) validate() (string, error) {
	seen := map[string]int{}
	for i, l := range c.Logs {
		if j, dup := seen[l.Path]; dup {
			return "logs", fmt.Errorf("logs[%d] and logs[%d] both follow %q", j, i, l.Path)
		}
		seen[l.Path] = i
	}
	return "", nil
}

// SetDefaults sets what an empty file means.
func (c *Config) SetDefaults() { c.Limits.SetDefaults() }

// Default is the configuration used without --config.file: the Debian/Ubuntu
// nginx error log, waited for if it does not exist yet.
func Default() *Config {
	c := &Config{Logs: []LogConfig{{Path: DefaultErrorLog, Format: FormatNginxError}}}
	c.Limits.SetDefaults()
	return c
}

// Load reads and validates a configuration file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(data, path)
}

// Parse validates a configuration; file names the source in errors.
func Parse(data []byte, file string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &FieldError{File: file, Err: err}
	}
	c := &Config{}
	if len(root.Content) == 0 { // empty file
		c.SetDefaults()
		return c, nil
	}
	if err := decodeStrict(root.Content[0], c, file, ""); err != nil {
		return nil, err
	}
	return c, nil
}
