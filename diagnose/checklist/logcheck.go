package checklist

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
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
// logwindow reads: a log of --config.file as the exporter reads it
// (logwindow.FilesFromConfig), a log an nginx configuration names with the
// log_format its access_log directive names.
func windowFiles(l LogFile) ([]logwindow.File, error) {
	if l.Config != nil {
		return logwindow.FilesFromConfig(*l.Config)
	}
	format, ok := logwindow.ParseFormat(string(l.Format))
	if !ok {
		return nil, fmt.Errorf("format %q cannot be read over a window", l.Format)
	}
	var access *nginxaccess.Parser
	if format == logwindow.NginxAccess {
		var err error
		if access, err = accessParser(l); err != nil {
			return nil, err
		}
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

// accessParser compiles the log_format an nginx access_log directive
// names, as its configuration declares it.
func accessParser(l LogFile) (*nginxaccess.Parser, error) {
	if l.Nginx == nil {
		return nil, fmt.Errorf("no log_format")
	}
	lf, ok := nginxconf.LogFormats(l.Nginx)[l.AccessFormat]
	if !ok {
		return nil, fmt.Errorf("log_format %q is not declared", l.AccessFormat)
	}
	esc, err := nginxaccess.ParseLogFormatEscape(lf.Escape)
	if err != nil {
		return nil, err
	}
	return nginxaccess.Compile(lf.Format, esc)
}
