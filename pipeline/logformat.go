package pipeline

import (
	"fmt"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// CheckConfig does, without starting anything, what Apply would do with
// cfg's logs that can fail: it compiles the format of every access log
// (reading nginx's configuration for log_format_from) and loads the AWS
// configuration of S3 logs (no request is sent). For --config.check;
// Apply does it itself.
func CheckConfig(cfg *config.Config) error {
	for _, entry := range cfg.Logs {
		if entry.S3.Given() {
			if _, err := newS3Client(entry, nil); err != nil {
				return err
			}
		}
		stdout, stderr := entry.Streams()
		for _, lc := range []config.LogConfig{entry, stdout, stderr} {
			if !lc.Format.IsAccess() {
				continue
			}
			if _, err := accessParser(lc); err != nil {
				return err
			}
		}
	}
	return nil
}

// CompileAccessFormat compiles the log_format of an nginx_access log as
// the exporter does (inline, built-in name or log_format_from), for other
// readers of the same logs (diagnose/logwindow).
func CompileAccessFormat(lc config.LogConfig) (*nginxaccess.Parser, error) {
	return accessParser(lc)
}

// accessParser compiles the log_format of an nginx_access log, given
// inline, by a built-in name or read from nginx's configuration. An error
// names the file, line and field of the entry that gave the format.
func accessParser(lc config.LogConfig) (*nginxaccess.Parser, error) {
	p, err := compileLogFormat(lc)
	if err != nil {
		return nil, lc.FieldError(lc.LogFormatField(), err)
	}
	return p, nil
}

func compileLogFormat(lc config.LogConfig) (*nginxaccess.Parser, error) {
	if lc.Format == config.FormatApacheAccess {
		return compileApacheLogFormat(lc)
	}
	format, escapeName := lc.LogFormat, lc.LogFormatEscape
	switch {
	case lc.LogFormatName != "":
		f, ok := nginxaccess.BuiltinLogFormat(lc.LogFormatName)
		if !ok {
			return nil, fmt.Errorf("no built-in log_format %q (use log_format_from to read it from nginx.conf)", lc.LogFormatName)
		}
		format = f
	case lc.LogFormatFrom != (config.LogFormatFrom{}):
		f, esc, err := nginxLogFormat(lc.LogFormatFrom)
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

// nginxLogFormat reads log_format NAME from an nginx configuration, its
// includes followed.
func nginxLogFormat(from config.LogFormatFrom) (format, escape string, err error) {
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

// compileApacheLogFormat compiles the Apache LogFormat of an apache_access
// log, given inline or by a nickname of Apache's stock configuration.
func compileApacheLogFormat(lc config.LogConfig) (*nginxaccess.Parser, error) {
	format := lc.LogFormat
	if lc.LogFormatName != "" {
		f, ok := nginxaccess.ApacheLogFormat(lc.LogFormatName)
		if !ok {
			return nil, fmt.Errorf("no LogFormat nickname %q in Apache's stock configuration (give the LogFormat string as log_format)", lc.LogFormatName)
		}
		format = f
	}
	return nginxaccess.CompileApache(format)
}
