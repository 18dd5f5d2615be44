package logwindow

import (
	"fmt"
	"path/filepath"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/pipeline"
)

// ParseFormat maps a `format:` of the exporter's configuration
// ("nginx_error", "nginx_access", "haproxy", "apache_error") to its Format.
func ParseFormat(name string) (Format, bool) {
	for i, n := range formatNames {
		if n == name {
			return Format(i), true
		}
	}
	return 0, false
}

// FilesFromConfig returns the files of a log of the exporter's
// configuration (--config.file): its path, or the files its glob matches
// now, with the access log's format compiled as the exporter compiles it
// (inline, built-in name or log_format_from). A glob matching nothing gives
// no file and no error.
func FilesFromConfig(lc config.LogConfig) ([]File, error) {
	format, ok := ParseFormat(string(lc.Format))
	if !ok {
		return nil, fmt.Errorf("log %s: format %q cannot be read over a window", lc.Path, lc.Format)
	}
	f := File{Path: lc.Path, Format: format}
	if format == NginxAccess {
		p, err := pipeline.CompileAccessFormat(lc)
		if err != nil {
			return nil, err
		}
		f.Access = p
	}
	paths, err := filepath.Glob(lc.Path)
	if err != nil {
		return nil, fmt.Errorf("log %s: %w", lc.Path, err)
	}
	if !hasMeta(lc.Path) {
		paths = []string{lc.Path} // a missing file is reported by Read, with the reason
	}
	files := make([]File, 0, len(paths))
	for _, p := range paths {
		f.Path = p
		files = append(files, f)
	}
	return files, nil
}

func hasMeta(path string) bool {
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '*', '?', '[', '\\':
			return true
		}
	}
	return false
}
