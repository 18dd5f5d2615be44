package config

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// FormatContainer reads a container runtime's log file: each line is
// unwrapped (Wrapper), and what the container wrote to stdout and to
// stderr is read with the format its StreamConfig gives.
const FormatContainer Format = "container"

// Wrapper names the way a container runtime wraps lines: cri (the
// kubelet's files under /var/log/containers and /var/log/pods) or
// docker_json (Docker's json-file driver).
type Wrapper string

// Wrappers understood by the exporter.
const (
	WrapperCRI        Wrapper = "cri"
	WrapperDockerJSON Wrapper = "docker_json"
)

// UnmarshalYAML accepts only known wrapper names.
func (w *Wrapper) UnmarshalYAML(node *yaml.Node) error {
	var s string
	if err := node.Decode(&s); err != nil {
		return err
	}
	switch Wrapper(s) {
	case WrapperCRI, WrapperDockerJSON:
		*w = Wrapper(s)
		return nil
	}
	return fmt.Errorf("unknown wrapper %q (known: %s, %s)", s, WrapperCRI, WrapperDockerJSON)
}

// StreamConfig says how to read what a container writes to one stream:
// the fields of a log entry that choose a format. A stream left out is
// not parsed (its lines are counted as ignored).
type StreamConfig struct {
	Format          Format        `yaml:"format"`
	LogFormat       string        `yaml:"log_format"`
	LogFormatEscape string        `yaml:"log_format_escape"`
	LogFormatName   string        `yaml:"log_format_name"`
	LogFormatFrom   LogFormatFrom `yaml:"log_format_from"`
	Server          string        `yaml:"server"`

	at *location
}

func (s *StreamConfig) setLocation(at *location) { s.at = at }

// Given reports whether the stream is parsed.
func (s StreamConfig) Given() bool { return s.Format != "" }

func (s *StreamConfig) validate() (string, error) {
	rest := *s
	rest.at = nil
	switch {
	case s.Format == "" && rest != (StreamConfig{}):
		return "format", errors.New("missing: give the format of the stream's lines")
	case s.Format == "":
		return "", nil
	case s.Format == FormatContainer:
		return "format", errors.New("a stream's lines are not wrapped again: give nginx_access, nginx_error, haproxy or apache_error")
	}
	lc := s.asLog("-")
	return lc.validate()
}

// asLog is the stream as a log entry at path, located where the stream is.
func (s StreamConfig) asLog(path string) LogConfig {
	return LogConfig{Path: path, Format: s.Format, LogFormat: s.LogFormat, LogFormatEscape: s.LogFormatEscape,
		LogFormatName: s.LogFormatName, LogFormatFrom: s.LogFormatFrom, Server: s.Server, at: s.at}
}

// IngressNginxStreams are the streams of a container log that gives
// neither: ingress-nginx's controller, which writes access lines in its
// default log-format-upstream (upstreaminfo) to stdout and nginx's error
// log to stderr.
func IngressNginxStreams() (stdout, stderr StreamConfig) {
	return StreamConfig{Format: FormatNginxAccess, LogFormatName: "upstreaminfo"}, StreamConfig{Format: FormatNginxError}
}

// Streams returns how to read a container log's stdout and stderr, each as
// a log entry of the same path whose FieldError names the stream's fields
// (logs[0].stdout.log_format). A stream that is not parsed has an empty
// Format.
func (l LogConfig) Streams() (stdout, stderr LogConfig) {
	return l.Stdout.asLog(l.Path), l.Stderr.asLog(l.Path)
}

// UsesLogFormatFrom reports whether the entry or one of its streams reads
// its format from an nginx configuration (which can change under an
// unchanged entry).
func (l LogConfig) UsesLogFormatFrom() bool {
	none := LogFormatFrom{}
	return l.LogFormatFrom != none || l.Stdout.LogFormatFrom != none || l.Stderr.LogFormatFrom != none
}

// validateContainer checks the fields of a container entry, and of the
// others that they are not given; both streams default to ingress-nginx's.
func (l *LogConfig) validateContainer() (string, error) {
	if l.Format != FormatContainer {
		for field, set := range map[string]bool{"wrapper": l.Wrapper != "", "stdout": l.Stdout.Given(), "stderr": l.Stderr.Given()} {
			if set {
				return field, fmt.Errorf("only for format %s", FormatContainer)
			}
		}
		return "", nil
	}
	if l.Wrapper == "" {
		return "wrapper", fmt.Errorf("missing: give %s (the kubelet's files) or %s (Docker's json-file)", WrapperCRI, WrapperDockerJSON)
	}
	for field, set := range map[string]bool{"log_format": l.LogFormat != "", "log_format_escape": l.LogFormatEscape != "",
		"log_format_name": l.LogFormatName != "", "log_format_from": l.LogFormatFrom != (LogFormatFrom{}), "server": l.Server != ""} {
		if set {
			return field, errors.New("give it under stdout or stderr, with the stream's format")
		}
	}
	if !l.Stdout.Given() && !l.Stderr.Given() {
		l.Stdout, l.Stderr = IngressNginxStreams()
	}
	return "", nil
}
