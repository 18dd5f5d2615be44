package checklist

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/logwindow"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// LogWindow is the logs check, a PlugIn: it reads the window of --since
// backwards from the end of every log the configurations name (package
// diagnose/logwindow), and ties what it counts to the configuration: a
// read_timeout names the proxy_read_timeout (or HAProxy timeout server) in
// force and the observed p99, a header_too_big the proxy_buffer_size.
func LogWindow(_ context.Context, in *Inputs) ([]diagnose.Finding, []diagnose.Skipped) {
	var files []logwindow.File
	var skipped []diagnose.Skipped
	for _, l := range in.Logs {
		fs, err := windowFiles(l)
		if err != nil {
			skipped = append(skipped, diagnose.Skipped{Check: diagnose.CheckLogs, Reason: fmt.Sprintf("%s (%s): %v", l.Path, l.Where, err)})
			continue
		}
		files = append(files, fs...)
	}
	res := logwindow.Read(files, logwindow.Options{Since: in.Since})
	in.LogsRead = append(in.LogsRead, res.Logs...)
	in.ProxyLog = append(in.ProxyLog, proxyLines(&res.Summary)...)
	fs := foldShares(res.Findings())
	fs = append(fs, tieToConfig(in, &res.Summary, fs)...)
	return fs, append(skipped, res.Skipped...)
}

// proxyLines are the evidence lines of the proxy's own resource failures,
// oldest first (the summary keeps them newest first).
func proxyLines(s *logwindow.Summary) []string {
	var out []string
	for _, cc := range s.Proxy {
		if cc.Cause != cause.ProxyResourceExhausted {
			continue
		}
		for i := len(cc.Evidence) - 1; i >= 0; i-- {
			out = append(out, cc.Evidence[i])
		}
	}
	return out
}

// foldShares makes the request share of an upstream ("N requests, M 5xx,
// p99 …") evidence of the first failure counted for it, so that the cause
// ranks first.
func foldShares(fs []diagnose.Finding) []diagnose.Finding {
	first := map[string]int{}
	for i, f := range fs {
		if _, ok := first[f.Upstream]; !ok && f.Cause != "" && f.Upstream != "" && f.Severity == diagnose.Critical {
			first[f.Upstream] = i
		}
	}
	out := make([]diagnose.Finding, 0, len(fs))
	var shares []diagnose.Finding
	for _, f := range fs {
		if _, ok := first[f.Upstream]; ok && f.Cause == "" {
			shares = append(shares, f)
			continue
		}
		out = append(out, f)
	}
	for _, sh := range shares {
		for i := range out {
			if out[i].Upstream == sh.Upstream && out[i].Cause != "" && out[i].Severity == diagnose.Critical {
				out[i].Evidence = append(out[i].Evidence, sh.Summary)
				break
			}
		}
	}
	return out
}

// windowFiles turns a configured log (a path or a glob) into the files
// logwindow reads, with the compiled log_format of an access log.
func windowFiles(l LogFile) ([]logwindow.File, error) {
	var format logwindow.Format
	var access *nginxaccess.Parser
	switch l.Format {
	case config.FormatNginxError:
		format = logwindow.NginxError
	case config.FormatHAProxy:
		format = logwindow.HAProxy
	case config.FormatApacheError:
		format = logwindow.ApacheError
	case config.FormatNginxAccess:
		format = logwindow.NginxAccess
		var err error
		if access, err = accessParser(l); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown format %q", l.Format)
	}
	paths := []string{l.Path}
	if strings.ContainsAny(l.Path, "*?[") {
		var err error
		if paths, err = filepath.Glob(l.Path); err != nil {
			return nil, err
		}
	}
	out := make([]logwindow.File, 0, len(paths))
	for _, p := range paths {
		out = append(out, logwindow.File{Path: p, Format: format, Access: access})
	}
	return out, nil
}

// accessParser compiles the log_format of an access log: the one its
// access_log directive names, or the exporter configuration's
// log_format, log_format_name or log_format_from.
func accessParser(l LogFile) (*nginxaccess.Parser, error) {
	format, escape := "", "default"
	switch c := l.Config; {
	case l.Nginx != nil:
		lf, ok := nginxconf.LogFormats(l.Nginx)[l.AccessFormat]
		if !ok {
			return nil, fmt.Errorf("log_format %q is not declared", l.AccessFormat)
		}
		format, escape = lf.Format, lf.Escape
	case c == nil:
		return nil, fmt.Errorf("no log_format")
	case c.LogFormatName != "":
		f, ok := nginxaccess.BuiltinLogFormat(c.LogFormatName)
		if !ok {
			return nil, fmt.Errorf("no built-in log_format %q", c.LogFormatName)
		}
		format = f
	case c.LogFormatFrom.Config != "":
		cfg, err := nginxconf.Load(c.LogFormatFrom.Config)
		if err != nil {
			return nil, err
		}
		return accessParser(LogFile{AccessFormat: c.LogFormatFrom.Name, Nginx: cfg})
	default:
		format = c.LogFormat
		if c.LogFormatEscape != "" {
			escape = c.LogFormatEscape
		}
	}
	esc, err := nginxaccess.ParseLogFormatEscape(escape)
	if err != nil {
		return nil, err
	}
	return nginxaccess.Compile(format, esc)
}
