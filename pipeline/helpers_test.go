package pipeline

import (
	"github.com/badgateway/badgateway_exporter/collector"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// appendTo appends s to the file at path.
func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// waitAllRead waits (bounded) until every log that follows the file at
// path has read it to its end: then whatever any of them would count is
// counted. The positions of the tails are the evidence, not time.
func waitAllRead(t *testing.T, c *Pipeline, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		behind := ""
		c.mu.Lock()
		for log, r := range c.sources {
			if ok, _ := filepath.Match(log, path); !ok {
				continue
			}
			at := int64(-1)
			for _, p := range r.g.Positions() {
				if p.Ino == st.Ino && p.Dev == uint64(st.Dev) {
					at = p.Offset
				}
			}
			if at != fi.Size() {
				behind = log
			}
		}
		c.mu.Unlock()
		if behind == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("log %s has not read %s to its end (%d bytes)", behind, path, fi.Size())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// refusedFrom is refusedLine with another upstream.
func refusedFrom(upstream string) []byte {
	return []byte(strings.Replace(refusedLine, "10.0.2.14:8080", upstream, 1))
}

// newErrorLogFile and newHAProxyLogFile are the file sources New makes, with the default logger.
func newErrorLogFile(path string, m *collector.Metrics, gov *collector.Governor) *eventLogFile {
	return newEventLogFile(path, collector.PanicSourceNginxError, func() eventParser { return &nginxerror.Parser{} }, m, gov, nil)
}

func newHAProxyLogFile(path string, m *collector.Metrics, gov *collector.Governor) *eventLogFile {
	return newEventLogFile(path, collector.PanicSourceHAProxy, func() eventParser { return &haproxyParser{} }, m, gov, nil)
}
