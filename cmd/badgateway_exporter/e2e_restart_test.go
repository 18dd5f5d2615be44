package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/positions"
)

// TestEndToEndKillAndRestart: real nginx logs upstream failures; the
// exporter is killed with SIGKILL once its positions are saved; while it is
// down nginx logs more, and the log is rotated (rename, then `nginx -s
// reopen`). The restarted exporter counts exactly the lines written while it
// was down - none lost, none counted again - also with from_beginning.
func TestEndToEndKillAndRestart(t *testing.T) {
	for _, fromBeginning := range []bool{false, true} {
		t.Run(fmt.Sprintf("from_beginning=%v", fromBeginning), func(t *testing.T) {
			refused := backend.ClosedPort(t)
			ngx := nginxtest.Start(t, fmt.Sprintf("server {\n listen {{listen}};\n server_name e2e.test;\n location = /refused { proxy_pass http://%s; }\n}\n", refused))
			log := ngx.ErrorLogPath()
			posFile := filepath.Join(t.TempDir(), "positions.json")
			cfg := fmt.Sprintf("logs:\n  - path: %s*\n    from_beginning: %v\npositions:\n  file: %s\n  sync_period: 200ms\n", log, fromBeginning, posFile)
			refusedErrors := exportertest.Labels{"proxy": "nginx", "cause": "connection_refused", "upstream": refused, "server": "e2e.test"}
			get := func(n int) {
				for range n {
					mustGet(t, ngx, "/refused", 502)
				}
			}

			exp := exportertest.Start(t, cfg)
			get(5)
			exp.WaitFor(t, "badgateway_upstream_errors_total", refusedErrors, 5)
			waitPositionsSaved(t, posFile, log)
			exp.Kill()

			get(4)
			if err := os.Rename(log, log+".1"); err != nil {
				t.Fatal(err)
			}
			get(2) // to the renamed file: nginx has not reopened yet
			if err := ngx.Reopen(); err != nil {
				t.Fatal(err)
			}
			get(3)

			exp = exportertest.Start(t, cfg)
			exp.WaitFor(t, "badgateway_upstream_errors_total", refusedErrors, 9)
			waitPositionsSaved(t, posFile, log, log+".1") // both files read to their end
			fams, _, err := exp.Scrape()
			if err != nil {
				t.Fatal(err)
			}
			if got := exportertest.Value(fams, "badgateway_upstream_errors_total", refusedErrors); got != 9 {
				t.Errorf("after the restart: %v errors counted, want the 9 written while down\n%s", got, exp.Logs())
			}
		})
	}
}

// waitPositionsSaved waits (bounded) until the positions file records
// every one of files read to its end.
func waitPositionsSaved(t *testing.T, posFile string, files ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		missing := ""
		data, err := os.ReadFile(posFile)
		var doc struct{ Logs positions.Logs }
		if err == nil {
			err = json.Unmarshal(data, &doc)
		}
		for _, f := range files {
			fi, serr := os.Stat(f)
			if serr != nil {
				t.Fatal(serr)
			}
			found := false
			for _, ps := range doc.Logs {
				for _, p := range ps {
					if p.Name == f && p.Offset == fi.Size() {
						found = true
					}
				}
			}
			if !found {
				missing = f
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("positions file %s does not record %s read to its end (err %v):\n%s", posFile, missing, err, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
