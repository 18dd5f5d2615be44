package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultErrorLog is what the exporter tails when it runs without a config file.
const DefaultErrorLog = "/var/log/nginx/error.log"

// Default limits on log-derived label values.
const (
	DefaultMaxValuesPerLabel  = 1000      // distinct values per label
	DefaultMaxLabelValueBytes = 256       // bytes of one value; longer ones are cut
	DefaultLabelValueTTL      = time.Hour // idle time after which a value may give its slot back
)

// Bounds of the limits a configuration may set.
const (
	MinLabelValueBytes = 16          // room for a host:port or `__other__`
	MaxLabelValueBytes = 64 << 10    // one series' label, not a log line
	MinLabelValueTTL   = time.Minute // the expiry sweeps run every TTL/4
)

// Config is the whole configuration file.
type Config struct {
	Logs   []LogConfig    `yaml:"logs"`
	Syslog []SyslogConfig `yaml:"syslog"`
	Limits Limits         `yaml:"limits"`
	Probes ProbesConfig   `yaml:"probes"`
	// Positions records how far each log was read, to continue there
	// after a restart.
	Positions PositionsConfig `yaml:"positions"`
}

// Limits bound what the exporter keeps of log-derived label values.
type Limits struct {
	MaxValuesPerLabel  int           `yaml:"max_values_per_label"`
	MaxLabelValueBytes int           `yaml:"max_label_value_bytes"`
	LabelValueTTL      time.Duration `yaml:"label_value_ttl"` // 0: values never expire
}

// SetDefaults fills the default limits.
func (l *Limits) SetDefaults() {
	l.MaxValuesPerLabel = DefaultMaxValuesPerLabel
	l.MaxLabelValueBytes = DefaultMaxLabelValueBytes
	l.LabelValueTTL = DefaultLabelValueTTL
}

func (l *Limits) validate() (string, error) {
	switch {
	case l.MaxValuesPerLabel < 1:
		return "max_values_per_label", fmt.Errorf("must be at least 1, got %d", l.MaxValuesPerLabel)
	case l.MaxLabelValueBytes < MinLabelValueBytes || l.MaxLabelValueBytes > MaxLabelValueBytes:
		return "max_label_value_bytes", fmt.Errorf("must be between %d and %d, got %d", MinLabelValueBytes, MaxLabelValueBytes, l.MaxLabelValueBytes)
	case l.LabelValueTTL != 0 && l.LabelValueTTL < MinLabelValueTTL:
		return "label_value_ttl", fmt.Errorf("must be 0 (never expire) or at least %v, got %v", MinLabelValueTTL, l.LabelValueTTL)
	}
	return "", nil
}

// errNothingToDo refuses a configuration that would follow nothing: the
// exporter would serve empty metrics that look like a healthy quiet proxy.
var errNothingToDo = errors.New("nothing to do: add a logs entry (e.g. logs: [{path: " + DefaultErrorLog +
	"}]), a syslog listener (e.g. syslog: [{listen: udp://127.0.0.1:5514}]) or probes targets")

func (c *Config) validate() (string, error) {
	if len(c.Logs) == 0 && len(c.Syslog) == 0 && !c.Probes.Enabled() {
		return "", errNothingToDo
	}
	seen := map[string]int{}
	for i, l := range c.Logs {
		if j, dup := seen[l.Source()]; dup {
			return "logs", fmt.Errorf("logs[%d] and logs[%d] both follow %q", j, i, l.Source())
		}
		seen[l.Source()] = i
	}
	listens := map[string]int{}
	for i, s := range c.Syslog {
		if j, dup := listens[s.Listen]; dup {
			return "syslog", fmt.Errorf("syslog[%d] and syslog[%d] both listen on %s", j, i, s.Listen)
		}
		listens[s.Listen] = i
	}
	return "", nil
}

// SetDefaults sets the defaults of what the file leaves out.
func (c *Config) SetDefaults() {
	c.Limits.SetDefaults()
	c.Positions.SetDefaults()
}

// Default is the configuration used without --config.file: the Debian/Ubuntu
// nginx error log, waited for if it does not exist yet.
func Default() *Config {
	c := &Config{Logs: []LogConfig{{Path: DefaultErrorLog, Format: FormatNginxError}}}
	c.SetDefaults()
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
		return nil, syntaxError(file, data, err)
	}
	if len(root.Content) == 0 { // empty, or only comments
		return nil, &FieldError{File: file, Err: errNothingToDo}
	}
	c := &Config{}
	if err := (decoder{file}).value(root.Content[0], reflect.ValueOf(c).Elem(), ""); err != nil {
		return nil, err
	}
	return c, nil
}
