package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// TestInputs: the logs are the size asked for, dated over the span with
// the newest line at its end, and nginx.conf names 50 upstreams and both
// logs. No time is measured here.
func TestInputs(t *testing.T) {
	ups, err := startUpstreams()
	if err != nil {
		t.Fatal(err)
	}
	defer ups.close()
	dir := t.TempDir()
	to := time.Date(2026, 12, 2, 3, 0, 0, 0, time.Local)
	st, err := writeLogs(dir, ups, 2<<20, to.Add(-2*time.Hour), to)
	if err != nil {
		t.Fatal(err)
	}
	if st.bytes < 2<<20 || st.bytes > 2<<20+4096 || st.inWindow == 0 || st.inWindow > (st.errorLines+st.accessLines)/4 {
		t.Errorf("stats %+v", st)
	}
	data, err := os.ReadFile(filepath.Join(dir, "error.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if !strings.HasPrefix(lines[0], "2026/12/02 01:00:00 [error]") || !strings.HasPrefix(lines[len(lines)-1], "2026/12/02 02:59:5") {
		t.Errorf("first %q last %q", lines[0], lines[len(lines)-1])
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(nginxConf(dir, ups)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := nginxconf.Load(conf)
	if err != nil {
		t.Fatal(err)
	}
	if ts, _ := discover.Nginx(cfg, discover.Options{}); len(ts) != 50 {
		t.Errorf("%d upstreams discovered, want 50", len(ts))
	}
}
