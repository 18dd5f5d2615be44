package hostcheck

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// workerConnPhrase is what nginx logs when a worker has no free
// connection: "512 worker_connections are not enough".
const workerConnPhrase = " worker_connections are not enough"

// workerConnectionFindings reports nginx running out of connections:
// "1024 worker_connections are not enough" in its error log lines. The
// summary names the limit the line reports.
func workerConnectionFindings(lines []string) []diagnose.Finding {
	var hits []string
	limit := 0
	for i := len(lines) - 1; i >= 0; i-- { // newest first
		if strings.Contains(lines[i], workerConnPhrase) {
			hits = append(hits, printable([]byte(lines[i])))
			if limit == 0 {
				limit = WorkerConnectionsLimit(lines[i])
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	f := newFinding(diagnose.CheckNetwork, cause.ProxyResourceExhausted, "")
	f.Summary = "nginx ran out of worker_connections: it cannot open more connections to clients or upstreams"
	if limit > 0 {
		f.Summary = fmt.Sprintf("nginx ran out of worker_connections (%d per worker): it cannot open more connections to clients or upstreams", limit)
	}
	f.Evidence = hits[:min(len(hits), 3)]
	f.Fix = "raise worker_connections in nginx's events block (and worker_rlimit_nofile to at least twice it); look for a proxy loop sending requests back to nginx"
	return []diagnose.Finding{f}
}

// WorkerConnectionsLimit reads N of "N worker_connections are not enough"
// in an nginx error-log line; 0 when the line has none.
func WorkerConnectionsLimit(line string) int {
	i := strings.Index(line, workerConnPhrase)
	if i <= 0 {
		return 0
	}
	j := i
	for j > 0 && line[j-1] >= '0' && line[j-1] <= '9' {
		j--
	}
	if i-j > 9 { // not a connection count
		return 0
	}
	n, err := strconv.Atoi(line[j:i])
	if err != nil {
		return 0
	}
	return n
}
