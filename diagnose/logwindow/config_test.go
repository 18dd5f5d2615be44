package logwindow

import (
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/config"
)

// Logs of the exporter's configuration become files: globs expanded, the
// access log's format compiled from its entry.
func TestFilesFromConfig(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, "a.access.log", []string{accessLine(testNow.Add(-time.Minute), "502", "127.0.0.1:5000", "502", "0.001")})
	writeLog(t, dir, "b.access.log", nil)
	files, err := FilesFromConfig(config.LogConfig{Path: dir + "/*.access.log", Format: config.FormatNginxAccess, LogFormat: testAccessFormat})
	if err != nil || len(files) != 2 || files[0].Access == nil || files[1].Path != dir+"/b.access.log" {
		t.Fatalf("files %+v, %v", files, err)
	}
	res := Read(files, Options{Now: testNow, Location: time.UTC})
	if u := mustUpstream(t, &res.Summary, "127.0.0.1:5000"); u.Gateway5xx != 1 {
		t.Errorf("upstream: %+v", u)
	}

	if files, err := FilesFromConfig(config.LogConfig{Path: dir + "/missing.log", Format: config.FormatHAProxy}); err != nil || len(files) != 1 || files[0].Format != HAProxy {
		t.Errorf("a missing file is still listed, for Read to skip with the reason: %+v %v", files, err)
	}
	if _, err := FilesFromConfig(config.LogConfig{Path: "x", Format: config.FormatNginxAccess, LogFormatName: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown log_format_name: %v", err)
	}
	for _, f := range []Format{NginxError, NginxAccess, HAProxy, ApacheError} {
		if got, ok := ParseFormat(f.String()); !ok || got != f {
			t.Errorf("ParseFormat(%q) = %v %v", f, got, ok)
		}
	}
}
