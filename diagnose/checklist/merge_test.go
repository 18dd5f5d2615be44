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

// A firewall rule (the network check) explains a probe's timeout: the rule,
// with the command that deletes it, is the one finding, and the probe's
// and the logs' evidence back it.
func TestMergeFoldsTheProbeAndLogsIntoTheNetworkFinding(t *testing.T) {
	seen := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	up := "127.0.0.1:5000"
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Cause: "connect_timeout", Upstream: up, Summary: "p", Evidence: []string{"probe"}, Failing: true},
		{Severity: diagnose.Critical, Check: diagnose.CheckLogs, Cause: "connect_timeout", Upstream: up, Summary: "3 × connect_timeout", Evidence: []string{"line"}, Count: 3, Seen: seen, Failing: true},
		{Severity: diagnose.Critical, Check: diagnose.CheckNetwork, Cause: "connect_timeout", Upstream: up, Summary: "firewall drops", Evidence: []string{"rule"},
			Fix: "delete the rule: iptables -D INPUT -p tcp -m tcp --dport 5000 -j DROP", Failing: true},
	}}
	mergeDuplicates(r)
	diagnose.Sort(r.Findings)
	if len(r.Findings) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(r.Findings), r.Findings)
	}
	f := r.Findings[0]
	if f.Check != diagnose.CheckNetwork || !strings.Contains(f.Fix, "iptables -D") || f.Count != 3 || !f.Seen.Equal(seen) ||
		strings.Join(f.Evidence, "|") != "rule|probe|3 × connect_timeout|line" {
		t.Fatalf("%+v", f)
	}
}

// The service check (nothing listens; the app is elsewhere) still wins
// over a network finding of the same cause and upstream.
func TestMergeKeepsTheServiceFindingOverTheNetworkOne(t *testing.T) {
	up := "127.0.0.1:5000"
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Critical, Check: diagnose.CheckNetwork, Cause: "connection_refused", Upstream: up, Summary: "n", Evidence: []string{"rule"}},
		{Severity: diagnose.Critical, Check: diagnose.CheckService, Cause: "connection_refused", Upstream: up, Summary: "s", Evidence: []string{"listens elsewhere"}},
	}}
	mergeDuplicates(r)
	if len(r.Findings) != 1 || r.Findings[0].Check != diagnose.CheckService ||
		strings.Join(r.Findings[0].Evidence, "|") != "listens elsewhere|rule" {
		t.Fatalf("%+v", r.Findings)
	}
}
