package checklist

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// nginxLogs are the files the error_log and access_log directives name
// (not syslog:, stderr, off, or paths built from variables).
func nginxLogs(cfg *nginxconf.Config) []LogFile {
	var out []LogFile
	seen := map[string]bool{}
	cfg.Walk(func(d *nginxconf.Directive, _ []*nginxconf.Directive) bool {
		format := config.FormatNginxError
		switch d.Name {
		case "error_log":
		case "access_log":
			format = config.FormatNginxAccess
		default:
			return true
		}
		p := d.Arg(0)
		if p == "" || p == "off" || p == "stderr" || strings.Contains(p, "$") || strings.Contains(p, ":") && !strings.HasPrefix(p, "/") {
			return true
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(cfg.File), p)
		}
		if !seen[p] {
			seen[p] = true
			l := LogFile{Path: p, Format: format, Where: d.Where()}
			if format == config.FormatNginxAccess {
				l.AccessFormat, l.Nginx = "combined", cfg
				if len(d.Args) > 1 && !strings.Contains(d.Args[1], "=") {
					l.AccessFormat = d.Args[1]
				}
			}
			out = append(out, l)
		}
		return true
	})
	return out
}

// checkLogsReadable keeps the logs that can be opened (without blocking on
// a FIFO) and returns the others as skipped, with the reason.
func checkLogsReadable(in *Inputs) []diagnose.Skipped {
	var skipped []diagnose.Skipped
	keep := in.Logs[:0]
	for _, l := range in.Logs {
		if strings.ContainsAny(l.Path, "*?[") { // a glob of the exporter's config
			keep = append(keep, l)
			continue
		}
		if err := openable(l.Path); err != nil {
			skipped = append(skipped, diagnose.Skipped{Check: diagnose.CheckLogs, Reason: fmt.Sprintf("cannot read %s (%s): %v", l.Path, l.Where, err)})
			continue
		}
		keep = append(keep, l)
	}
	in.Logs = keep
	return skipped
}

func openable(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	return nil
}
