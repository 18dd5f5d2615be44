package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The command name may hold spaces and parentheses; utime and stime are
// counted from the last ')'.
func TestStatCPUSeconds(t *testing.T) {
	stat := "4242 (bad) gw (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 100 0 0"
	got, err := statCPUSeconds(stat)
	if err != nil || got != 3.25 {
		t.Errorf("statCPUSeconds = %v, %v; want 3.25", got, err)
	}
	for _, bad := range []string{"", "4242 bad S 1", "4242 (x) S 1 2 3", "4242 (x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 2x5 75"} {
		if _, err := statCPUSeconds(bad); err == nil {
			t.Errorf("statCPUSeconds(%q): no error", bad)
		}
	}
}

func TestStatusKiB(t *testing.T) {
	status := "Name:\tbadgateway\nVmHWM:\t   40960 kB\nVmRSS:\t   20480 kB\n"
	if rss, hwm := statusKiB(status, "VmRSS:"), statusKiB(status, "VmHWM:"); rss != 20480 || hwm != 40960 {
		t.Errorf("rss, hwm = %d, %d", rss, hwm)
	}
	if got := statusKiB("VmRSS:\n", "VmRSS:"); got != 0 {
		t.Errorf("empty value = %d", got)
	}
}

// Our own process is always there to sample.
func TestSampleProcSelf(t *testing.T) {
	s := sampleProc(os.Getpid(), "self")
	if s.err != nil || s.rssKiB == 0 || s.hwmKiB < s.rssKiB {
		t.Errorf("sample = %+v", s)
	}
}

func TestUDPDrops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "udp")
	content := `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 0100007F:1F40 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 12345 2 0000000000000000 17
  101: 00000000:1F40 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 12346 2 0000000000000000 99
  102: 0100007F:1F41 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 12347 2 0000000000000000 x
`
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, found, err := udpDrops(path, 8000); err != nil || !found || d != 17 {
		t.Errorf("port 8000: %d, %v, %v; want 17 (not the 0.0.0.0 socket's 99)", d, found, err)
	}
	if _, found, err := udpDrops(path, 8002); err != nil || found {
		t.Errorf("port 8002: found %v, err %v; want not found", found, err)
	}
	if _, _, err := udpDrops(path, 8001); err == nil {
		t.Error("port 8001: a drops column that is not a number gave no error")
	}
	if _, _, err := udpDrops(filepath.Join(t.TempDir(), "missing"), 8000); err == nil {
		t.Error("a missing file gave no error")
	}
}
