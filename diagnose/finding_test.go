package diagnose

import (
	"encoding/json"
	"testing"
	"time"
)

func TestSortMostSevereAndFailingFirst(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	fs := []Finding{
		{Severity: Info, Check: CheckConfig, Summary: "i"},
		{Severity: Warning, Check: CheckConfig, Summary: "risk"},
		{Severity: Critical, Check: CheckLogs, Summary: "old", Failing: true, Seen: now.Add(-time.Hour)},
		{Severity: Critical, Check: CheckConfig, Summary: "not failing"},
		{Severity: Critical, Check: CheckLogs, Summary: "new", Failing: true, Seen: now},
		{Severity: Critical, Check: CheckLogs, Summary: "counted 2", Failing: true, Seen: now.Add(-2 * time.Hour), Count: 2},
		{Severity: Critical, Check: CheckLogs, Summary: "counted 40", Failing: true, Seen: now.Add(-3 * time.Hour), Count: 40},
	}
	Sort(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Summary)
	}
	want := []string{"counted 40", "counted 2", "new", "old", "not failing", "risk", "i"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

func TestReportJSONShape(t *testing.T) {
	r := &Report{Findings: []Finding{{Severity: Warning, Check: CheckConfig, Summary: "s", Fix: "f"}}}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Findings []map[string]any `json:"findings"`
		Checked  map[string]any   `json:"checked"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f := back.Findings[0]
	if f["severity"] != "warning" || f["check"] != "config" || f["fix"] != "f" {
		t.Fatalf("finding %v", f)
	}
	if ev, ok := f["evidence"].([]any); !ok || len(ev) != 0 {
		t.Fatalf("evidence must be an empty list, got %#v", f["evidence"])
	}
	if _, ok := f["seen"]; ok {
		t.Fatalf("zero seen must be omitted: %s", b)
	}
	var s Severity
	if err := s.UnmarshalText([]byte("critical")); err != nil || s != Critical {
		t.Fatal(s, err)
	}
	if err := s.UnmarshalText([]byte("bad")); err == nil {
		t.Fatal("want error")
	}
	if RunbookFor("connection_refused") != "docs/runbook.md#connection_refused" || RunbookFor("nope") != "" {
		t.Fatal("runbook")
	}
	if !(&Report{Findings: []Finding{{Severity: Critical}}}).Critical() || r.Critical() {
		t.Fatal("Critical()")
	}
}
