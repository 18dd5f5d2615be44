package checklist

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/backend"
)

func TestCheckURLsTiesA502ToTheTopFinding(t *testing.T) {
	bad := serveStatus(t, http.StatusBadGateway)
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Warning, Summary: "w"},
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:5000", Summary: "c", Evidence: []string{"probe"}},
	}}
	checkURLs(context.Background(), r, []string{bad}, 10*time.Second)
	if len(r.Findings) != 2 || r.Findings[1].Evidence[0] != "GET "+bad+" answered 502 Bad Gateway" {
		t.Fatalf("findings %+v", r.Findings)
	}
}

func TestCheckURLsWithoutAnExplanation(t *testing.T) {
	bad, dead := serveStatus(t, http.StatusGatewayTimeout), "http://"+backend.ClosedPort(t)+"/"
	ok := serveStatus(t, http.StatusOK)
	r := &diagnose.Report{}
	checkURLs(context.Background(), r, []string{ok, bad, dead}, 10*time.Second)
	if len(r.Findings) != 2 || len(r.Checked.URLs) != 3 {
		t.Fatalf("findings %+v checked %+v", r.Findings, r.Checked)
	}
	if f := r.Findings[0]; f.Severity != diagnose.Critical || f.Check != diagnose.CheckURL || !strings.Contains(f.Summary, "504") {
		t.Errorf("504: %+v", f)
	}
	if f := r.Findings[1]; f.Severity != diagnose.Critical || !strings.Contains(f.Summary, "does not answer") || !strings.Contains(f.Fix, "systemctl status") {
		t.Errorf("refused: %+v", f)
	}
}

func serveStatus(t *testing.T, status int) string {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

func TestMergeFoldsTheProbeIntoTheServiceFinding(t *testing.T) {
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Check: diagnose.CheckConnectivity, Cause: "connection_refused", Upstream: "127.0.0.1:5000", Summary: "p", Evidence: []string{"probe"}},
		{Check: diagnose.CheckService, Cause: "connection_refused", Upstream: "127.0.0.1:5000", Summary: "s", Evidence: []string{"node (pid 812) listens on 127.0.0.1:3000"}},
		{Check: diagnose.CheckConnectivity, Cause: "connection_refused", Upstream: "127.0.0.1:6000", Summary: "other"},
	}}
	mergeDuplicates(r)
	if len(r.Findings) != 2 || r.Findings[0].Check != diagnose.CheckService || len(r.Findings[0].Evidence) != 2 || r.Findings[1].Upstream != "127.0.0.1:6000" {
		t.Fatalf("%+v", r.Findings)
	}
}

func TestMergeFoldsTheLogCountsIntoTheProbeFinding(t *testing.T) {
	seen := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Critical, Check: diagnose.CheckLogs, Cause: "connection_refused", Upstream: "127.0.0.1:5000", Summary: "5 × connection_refused", Evidence: []string{"line"}, Seen: seen},
		{Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Cause: "connection_refused", Upstream: "127.0.0.1:5000", Summary: "p", Evidence: []string{"probe"}},
		{Severity: diagnose.Critical, Check: diagnose.CheckLogs, Cause: "read_timeout", Upstream: "127.0.0.1:5000", Summary: "logs only"},
	}}
	mergeDuplicates(r)
	if len(r.Findings) != 2 || r.Findings[0].Check != diagnose.CheckConnectivity || !r.Findings[0].Seen.Equal(seen) ||
		strings.Join(r.Findings[0].Evidence, "|") != "probe|5 × connection_refused|line" || r.Findings[1].Summary != "logs only" {
		t.Fatalf("%+v", r.Findings)
	}
}
