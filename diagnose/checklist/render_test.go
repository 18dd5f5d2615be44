package checklist

import (
	"bytes"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

func sampleReport() *diagnose.Report {
	return &diagnose.Report{
		Findings: []diagnose.Finding{
			{Severity: diagnose.Warning, Check: diagnose.CheckConfig, Upstream: "app", Summary: "keepalive | without HTTP/1.1",
				Evidence: []string{"nginx.conf:5: keepalive 8"}, Fix: "add `proxy_http_version 1.1;`"},
			{Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Cause: "connection_refused", Upstream: "127.0.0.1:5000", Failing: true,
				Summary:  "127.0.0.1:5000: connection_refused (nothing listens on that port or socket)",
				Evidence: []string{"probe http 127.0.0.1:5000 (http /): dial tcp 127.0.0.1:5000: connect: connection refused after 0s", "/etc/nginx/sites-enabled/app:14: proxy_pass http://127.0.0.1:5000"},
				Fix:      "nothing listens on 127.0.0.1:5000: start the app, or change `proxy_pass http://127.0.0.1:5000` at /etc/nginx/sites-enabled/app:14 to the address it listens on " + strings.Repeat("x", 100),
				Runbook:  "docs/runbook.md#connection_refused"},
		},
		Checked: diagnose.Checked{Proxies: []string{"nginx"}, Upstreams: []string{"127.0.0.1:5000"}, Since: "15m",
			Skipped: []diagnose.Skipped{{Check: "logs", Reason: "cannot read /var/log/nginx/error.log: permission denied"}}},
	}
}

func TestWriteTextMostSevereFirstWithin80Columns(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	crit, warn := strings.Index(out, "CRITICAL  connection_refused  127.0.0.1:5000"), strings.Index(out, "WARNING  app")
	if crit < 0 || warn < 0 || crit > warn {
		t.Fatalf("order:\n%s", out)
	}
	for i, line := range strings.Split(out, "\n") {
		// A single word longer than the width stays whole; nothing else may exceed it.
		if len(line) > textWidth && strings.Contains(strings.TrimSpace(line), " ") && i > 0 {
			t.Errorf("line %d is %d columns: %q", i, len(line), line)
		}
	}
	for _, want := range []string{"fix: nothing listens", "runbook: docs/runbook.md#connection_refused", "not checked:", "logs: cannot read"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| critical | connection_refused | 127.0.0.1:5000 |",
		`keepalive \| without HTTP/1.1`, // a | in a cell is escaped
		"### 1. critical:", "**Fix:** nothing listens", "[docs/runbook.md#connection_refused](docs/runbook.md#connection_refused)",
		"### Not checked", "- **logs**: cannot read",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
}

func TestWrapKeepsWordsAndIndents(t *testing.T) {
	var b strings.Builder
	wrap(&b, "  fix: ", strings.Repeat("word ", 40))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "  fix: word") || !strings.HasPrefix(lines[1], "       word") {
		t.Fatalf("%q", lines)
	}
	if got := strings.Count(b.String(), "word"); got != 40 {
		t.Fatalf("%d words", got)
	}
}

func TestWrapKeepsShortCommandsWhole(t *testing.T) {
	var b strings.Builder
	wrap(&b, "  fix: ", strings.Repeat("word ", 13)+"(`ss -tlnp` lists what listens) `"+strings.Repeat("long ", 20)+"` `unclosed a b")
	out := b.String()
	if !strings.Contains(out, "`ss -tlnp`") {
		t.Errorf("a short command was split:\n%s", out)
	}
	if strings.Contains(out, "`"+strings.Repeat("long ", 19)+"long`") {
		t.Errorf("a long span was kept whole:\n%s", out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "`unclosed a b") {
		t.Errorf("an unclosed quote lost words:\n%s", out)
	}
}

// TestWriteTextAnswerFirst: the first line is the top critical finding
// with the failures counted; the counts line follows.
func TestWriteTextAnswerFirst(t *testing.T) {
	r := sampleReport()
	r.Findings[1].Count = 37
	r.Findings = append(r.Findings, diagnose.Finding{Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Cause: "connection_refused",
		Upstream: "127.0.0.1:1", Failing: true, Summary: "not counted"})
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if !strings.HasPrefix(lines[0], "502s: 127.0.0.1:5000: connection_refused (nothing listens") ||
		!strings.Contains(lines[0]+" "+lines[1], "37 × connection_refused in the last 15m") {
		t.Errorf("first lines:\n%s", strings.Join(lines[:4], "\n"))
	}
	if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), "diagnose: 2 critical (1 more below), 1 warning, 0 info; nginx, 1 upstream, logs since 15m") {
		t.Errorf("counts line:\n%s", b.String())
	}
	var healthy bytes.Buffer
	if err := WriteText(&healthy, &diagnose.Report{Checked: diagnose.Checked{Proxies: []string{"nginx"}, Since: "15m"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(healthy.String(), "diagnose: nothing critical found, 0 warning, 0 info; nginx, 0 upstreams") {
		t.Errorf("healthy:\n%s", healthy.String())
	}
}
