package hostcheck

import (
	"fmt"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// workerConnectionFindings reports nginx running out of connections:
// "1024 worker_connections are not enough" in its error log lines.
func workerConnectionFindings(lines []string) []diagnose.Finding {
	var hits []string
	for i := len(lines) - 1; i >= 0; i-- { // newest first
		if strings.Contains(lines[i], "worker_connections are not enough") {
			hits = append(hits, printable([]byte(lines[i])))
		}
	}
	if len(hits) == 0 {
		return nil
	}
	f := newFinding(diagnose.CheckNetwork, cause.ProxyResourceExhausted, "")
	f.Summary = fmt.Sprintf("nginx ran out of worker_connections (%d lines)", len(hits))
	f.Evidence = hits[:min(len(hits), 3)]
	f.Fix = "raise worker_connections in nginx's events block (and worker_rlimit_nofile to at least twice it); look for a proxy loop sending requests back to nginx"
	return []diagnose.Finding{f}
}
