package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/positions"
)

// The exporter binary reads a directory that `aws s3 sync` fills with ALB
// access logs, is killed once its positions are saved, and after the
// restart counts exactly the files synced while it was down.
func TestEndToEndAWSDirectoryKillAndRestart(t *testing.T) {
	alb, _ := awsRealLines(t)
	dir := t.TempDir()
	posFile := filepath.Join(t.TempDir(), "positions.json")
	glob := filepath.Join(dir, "*.log.gz")
	cfg := fmt.Sprintf("logs:\n  - path: %s\n    format: aws_alb\npositions:\n  file: %s\n  sync_period: 200ms\n", glob, posFile)
	sync := func(stamp string, rounds int) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		for range rounds {
			zw.Write([]byte(strings.Join(alb, "\n") + "\n"))
		}
		zw.Close()
		final := filepath.Join(dir, "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_"+stamp+"_172.160.001.192_20sg8hgm.log.gz")
		if err := os.WriteFile(final+".Ab12Cd34", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(final+".Ab12Cd34", final); err != nil {
			t.Fatal(err)
		}
	}
	// Per round of the real lines: 5 load-balancer failures (docs/causes.md 2c).
	errorsOn := exportertest.Labels{"proxy": "aws_alb", "server": "my-loadbalancer"}

	exp := exportertest.Start(t, cfg)
	sync("20240501T1000Z", 10)
	exp.WaitFor(t, "badgateway_upstream_errors_total", errorsOn, 50)
	waitArchivesSaved(t, posFile, glob, 1)
	exp.Kill()

	sync("20240501T1005Z", 3) // while the exporter is down

	exp = exportertest.Start(t, cfg)
	exp.WaitFor(t, "badgateway_upstream_errors_total", errorsOn, 15)
	waitArchivesSaved(t, posFile, glob, 2)
	fams, _, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	lines := exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "ignored"}) +
		exportertest.Value(fams, "badgateway_log_lines_total", exportertest.Labels{"result": "classified"})
	if got := exportertest.Value(fams, "badgateway_upstream_errors_total", errorsOn); got != 15 || lines != float64(3*len(alb)) {
		t.Errorf("after the restart: %v errors and %v lines counted, want 15 and %d (the file synced while down only)\n%s", got, lines, 3*len(alb), exp.Logs())
	}
	if got := exportertest.Value(fams, "badgateway_proxy_generated_responses_total", exportertest.Labels{"proxy": "aws_alb", "status": "502"}); got != 12 {
		t.Errorf("generated 502s %v, want 12", got)
	}
}

// waitArchivesSaved waits (bounded) until the positions file records n
// files of the archive log glob read to their end.
func waitArchivesSaved(t *testing.T, posFile, glob string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := os.ReadFile(posFile)
		var doc struct{ Archives positions.Archives }
		done := 0
		if err == nil && json.Unmarshal(data, &doc) == nil {
			for _, p := range doc.Archives[glob] {
				if p.Done && p.Delivered > 0 {
					done++
				}
			}
		}
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("positions file %s does not record %d files of %s read (err %v):\n%s", posFile, n, glob, err, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
