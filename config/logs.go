package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// LogConfig is one log file (or glob of files) to follow.
type LogConfig struct {
	Path          string `yaml:"path"`           // a file path or a glob
	Format        Format `yaml:"format"`         // how to read its lines
	FromBeginning bool   `yaml:"from_beginning"` // read what is already there instead of starting at the end

	// nginx_access and apache_access only: the log_format, given inline, by
	// a built-in name (combined, main …; Apache's LogFormat nicknames) or
	// (nginx only) read from nginx's own configuration.
	LogFormat       string        `yaml:"log_format"`
	LogFormatEscape string        `yaml:"log_format_escape"` // with log_format: default, json or none
	LogFormatName   string        `yaml:"log_format_name"`
	LogFormatFrom   LogFormatFrom `yaml:"log_format_from"`
	// Server is the `server` label of requests when the format has neither
	// $server_name nor $host.
	Server string `yaml:"server"`

	// container only: how the runtime wraps lines, and how to read what
	// the container wrote to each stream (see container.go).
	Wrapper Wrapper      `yaml:"wrapper"`
	Stdout  StreamConfig `yaml:"stdout"`
	Stderr  StreamConfig `yaml:"stderr"`
	// S3, instead of Path, reads the log from the objects of an S3 bucket.
	S3 S3Config `yaml:"s3"`

	at *location // where the entry is in the file; nil if not read from one
}

// FieldError locates err, found after loading (compiling the log format,
// reading log_format_from), at field of this entry, as errors found while
// loading are: `badgateway.yml:5: logs[0].log_format: …`.
func (l LogConfig) FieldError(field string, err error) error {
	if l.at == nil {
		return fmt.Errorf("log %s: %s: %w", l.Source(), field, err)
	}
	return l.at.fieldError(field, err)
}

// SameSettings reports whether two entries say the same, wherever they are
// in their files.
func (l LogConfig) SameSettings(o LogConfig) bool {
	l.at, o.at = nil, nil
	l.Stdout.at, l.Stderr.at, o.Stdout.at, o.Stderr.at = nil, nil, nil, nil
	return l == o
}

func (l *LogConfig) setLocation(at *location) { l.at = at }

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
	FormatApacheError Format = "apache_error"
	// FormatApacheAccess is an Apache httpd access log; its log_format is
	// an Apache LogFormat string, log_format_name a LogFormat nickname.
	FormatApacheAccess Format = "apache_access"
	// AWS load balancer access logs: files (.log.gz, or .log) that are
	// complete when they appear, each read once (see IsArchive), or S3
	// objects.
	FormatAWSALB Format = "aws_alb" // Application Load Balancer
	FormatAWSELB Format = "aws_elb" // Classic Load Balancer
)

var knownFormats = []Format{FormatNginxError, FormatNginxAccess, FormatHAProxy, FormatApacheError, FormatApacheAccess, FormatContainer, FormatAWSALB, FormatAWSELB}

// IsAccess reports whether f is an access-log format, whose entries give a
// log format.
func (f Format) IsAccess() bool { return f == FormatNginxAccess || f == FormatApacheAccess }

// IsArchive reports whether the format's files are written whole and read
// once each (AWS access logs) rather than followed as they grow.
func (f Format) IsArchive() bool { return f == FormatAWSALB || f == FormatAWSELB }

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

// Source names what the entry reads: its path, or s3://BUCKET/PREFIX.
func (l LogConfig) Source() string {
	if l.S3.Given() {
		return l.S3.Source()
	}
	return l.Path
}

func (l *LogConfig) validate() (string, error) {
	switch {
	case l.Path != "" && l.S3.Given():
		return "s3", errors.New("path and s3 are mutually exclusive: give one per entry")
	case l.S3.Given():
		return l.validateFormat()
	case l.Path == "":
		return "path", errors.New("missing: give a file path or a glob")
	}
	if _, err := filepath.Match(l.Path, ""); err != nil {
		return "path", fmt.Errorf("bad glob %q: %w", l.Path, err)
	}
	if l.Format.IsArchive() && !strings.HasSuffix(l.Path, ".gz") && !strings.HasSuffix(l.Path, ".log") {
		return "path", fmt.Errorf("format %s reads access-log files as AWS writes them: the path must end in .log.gz (ALB) or .log (Classic), e.g. /var/log/alb/*.log.gz; got %q", l.Format, l.Path)
	}
	return l.validateFormat()
}

func (l *LogConfig) validateFormat() (string, error) {
	if field, err := l.validateContainer(); err != nil || l.Format == FormatContainer {
		return field, err
	}
	if !l.Format.IsAccess() {
		for field, set := range map[string]bool{"log_format": l.LogFormat != "", "log_format_escape": l.LogFormatEscape != "",
			"log_format_name": l.LogFormatName != "", "log_format_from": l.LogFormatFrom != (LogFormatFrom{}), "server": l.Server != ""} {
			if set {
				return field, fmt.Errorf("only for formats %s and %s", FormatNginxAccess, FormatApacheAccess)
			}
		}
		return "", nil
	}
	if l.Format == FormatApacheAccess {
		for field, set := range map[string]bool{"log_format_escape": l.LogFormatEscape != "", "log_format_from": l.LogFormatFrom != (LogFormatFrom{})} {
			if set {
				return field, fmt.Errorf("only for format %s (Apache escapes as it does, and its LogFormat is given inline or by nickname)", FormatNginxAccess)
			}
		}
	}
	given := 0
	for _, set := range []bool{l.LogFormat != "", l.LogFormatName != "", l.LogFormatFrom != (LogFormatFrom{})} {
		if set {
			given++
		}
	}
	switch {
	case given != 1:
		return l.LogFormatField(), errors.New("give exactly one of log_format, log_format_name and log_format_from")
	case l.LogFormatEscape != "" && l.LogFormat == "":
		return l.LogFormatField(), errors.New("log_format_escape goes with an inline log_format")
	case l.LogFormatFrom != (LogFormatFrom{}) && (l.LogFormatFrom.Config == "" || l.LogFormatFrom.Name == ""):
		return l.LogFormatField(), errors.New("log_format_from needs both config and name")
	}
	return "", nil
}

// LogFormatField names the field that gives an access log's format, to
// locate errors in it with FieldError.
func (l LogConfig) LogFormatField() string {
	switch {
	case l.LogFormatName != "":
		return "log_format_name"
	case l.LogFormatFrom != (LogFormatFrom{}):
		return "log_format_from"
	default:
		return "log_format"
	}
}
