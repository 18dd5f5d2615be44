package checklist

import (
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

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
