package config

import (
	"errors"
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// LogConfig is one log file (or glob of files) to follow.
type LogConfig struct {
	Path          string `yaml:"path"`           // a file path or a glob
	Format        Format `yaml:"format"`         // how to read its lines
	FromBeginning bool   `yaml:"from_beginning"` // read what is already there instead of starting at the end

	// nginx_access only: the log_format, given inline, by a built-in name
	// (combined, main …) or read from nginx's own configuration.
	LogFormat       string        `yaml:"log_format"`
	LogFormatEscape string        `yaml:"log_format_escape"` // with log_format: default, json or none
	LogFormatName   string        `yaml:"log_format_name"`
	LogFormatFrom   LogFormatFrom `yaml:"log_format_from"`
	// Server is the `server` label of requests when the format has neither
	// $server_name nor $host.
	Server string `yaml:"server"`
}

// LogFormatFrom names a log_format defined in an nginx configuration file
// (its `include`s are followed).
type LogFormatFrom struct {
	Config string `yaml:"config"`
	Name   string `yaml:"name"`
}

// Format names a log line format.
type Format string

// Formats understood by the exporter.
const (
	FormatNginxError  Format = "nginx_error"
	FormatNginxAccess Format = "nginx_access"
	FormatHAProxy     Format = "haproxy"
)

var knownFormats = []Format{FormatNginxError, FormatNginxAccess, FormatHAProxy}

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
	if l.Format != FormatNginxAccess {
		for field, set := range map[string]bool{"log_format": l.LogFormat != "", "log_format_escape": l.LogFormatEscape != "",
			"log_format_name": l.LogFormatName != "", "log_format_from": l.LogFormatFrom != (LogFormatFrom{}), "server": l.Server != ""} {
			if set {
				return field, fmt.Errorf("only for format %s", FormatNginxAccess)
			}
		}
		return "", nil
	}
	if _, err := l.AccessParser(); err != nil {
		return l.logFormatField(), err
	}
	return "", nil
}

// logFormatField names the field that gave the access log's format.
func (l *LogConfig) logFormatField() string {
	switch {
	case l.LogFormatName != "":
		return "log_format_name"
	case l.LogFormatFrom != (LogFormatFrom{}):
		return "log_format_from"
	default:
		return "log_format"
	}
}

// AccessParser compiles the log_format of an nginx_access log. It reads
// nginx's configuration for log_format_from.
func (l *LogConfig) AccessParser() (*nginxaccess.Parser, error) {
	given := 0
	for _, set := range []bool{l.LogFormat != "", l.LogFormatName != "", l.LogFormatFrom != (LogFormatFrom{})} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, errors.New("give exactly one of log_format, log_format_name and log_format_from")
	}
	if l.LogFormatEscape != "" && l.LogFormat == "" {
		return nil, errors.New("log_format_escape goes with an inline log_format")
	}
	format, escapeName := l.LogFormat, l.LogFormatEscape
	switch {
	case l.LogFormatName != "":
		f, ok := nginxaccess.BuiltinLogFormat(l.LogFormatName)
		if !ok {
			return nil, fmt.Errorf("no built-in log_format %q (use log_format_from to read it from nginx.conf)", l.LogFormatName)
		}
		format = f
	case l.LogFormatFrom != (LogFormatFrom{}):
		f, esc, err := nginxLogFormat(l.LogFormatFrom)
		if err != nil {
			return nil, err
		}
		format, escapeName = f, esc
	}
	if escapeName == "" {
		escapeName = "default"
	}
	escape, err := nginxaccess.ParseLogFormatEscape(escapeName)
	if err != nil {
		return nil, err
	}
	return nginxaccess.Compile(format, escape)
}

// nginxLogFormat reads log_format NAME from an nginx configuration.
func nginxLogFormat(from LogFormatFrom) (format, escape string, err error) {
	if from.Config == "" || from.Name == "" {
		return "", "", errors.New("log_format_from needs both config and name")
	}
	cfg, err := nginxconf.Load(from.Config)
	if err != nil {
		return "", "", fmt.Errorf("reading log_format %q: %w", from.Name, err)
	}
	lf, ok := nginxconf.LogFormats(cfg)[from.Name]
	if !ok {
		return "", "", fmt.Errorf("no log_format %q in %s or its includes", from.Name, from.Config)
	}
	return lf.Format, lf.Escape, nil
}
