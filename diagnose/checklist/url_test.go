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
	checkURLs(context.Background(), r, nil, []string{bad}, 10*time.Second)
	if len(r.Findings) != 2 || r.Findings[1].Evidence[0] != "GET "+bad+" answered 502 Bad Gateway" {
		t.Fatalf("findings %+v", r.Findings)
	}
}

func TestCheckURLsWithoutAnExplanation(t *testing.T) {
	bad, dead := serveStatus(t, http.StatusGatewayTimeout), "http://"+backend.ClosedPort(t)+"/"
	ok := serveStatus(t, http.StatusOK)
	r := &diagnose.Report{}
	checkURLs(context.Background(), r, nil, []string{ok, bad, dead}, 10*time.Second)
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

// With critical findings about two upstreams, a 502 of the URL is not
// pinned on whichever comes first: it is a finding of its own, naming both.
func TestCheckURLsTwoFailingUpstreams(t *testing.T) {
	bad := serveStatus(t, http.StatusBadGateway)
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:5000", Summary: "a", Evidence: []string{"probe a"}},
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:6000", Summary: "b", Evidence: []string{"probe b"}},
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:5000", Summary: "a2"},
	}}
	checkURLs(context.Background(), r, nil, []string{bad}, 10*time.Second)
	if len(r.Findings) != 4 || len(r.Findings[0].Evidence) != 1 || len(r.Findings[1].Evidence) != 1 {
		t.Fatalf("the 502 was tied to an upstream's finding: %+v", r.Findings)
	}
	f := r.Findings[3]
	if f.Check != diagnose.CheckURL || !strings.Contains(f.Summary, "127.0.0.1:5000, 127.0.0.1:6000") || f.Evidence[0] != "GET "+bad+" answered 502 Bad Gateway" {
		t.Errorf("URL finding %+v", f)
	}
}

// Critical findings about one upstream (and the proxy itself) explain it.
func TestCheckURLsOneFailingUpstream(t *testing.T) {
	bad := serveStatus(t, http.StatusBadGateway)
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Critical, Summary: "worker_connections"},
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:5000", Summary: "a"},
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:5000", Summary: "a2"},
	}}
	checkURLs(context.Background(), r, nil, []string{bad}, 10*time.Second)
	if len(r.Findings) != 3 || len(r.Findings[0].Evidence) != 1 {
		t.Fatalf("findings %+v", r.Findings)
	}
}
