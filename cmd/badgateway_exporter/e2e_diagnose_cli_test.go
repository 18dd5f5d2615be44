package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// diagnoseJSON runs `diagnose --output=json ARGS` in-process and decodes
// the report; the exit code and stderr come with it.
func diagnoseJSON(t *testing.T, args ...string) (diagnose.Report, int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--timeout=") }) {
		args = append(args, "--timeout=10s") // generous: the machine may be loaded
	}
	code := runContext(context.Background(), append([]string{"diagnose", "--output=json"}, args...), strings.NewReader(""), &stdout, &stderr)
	var r diagnose.Report
	if code != 2 {
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			t.Fatalf("exit %d: decoding the JSON: %v\n%s\nstderr: %s", code, err, stdout.String(), stderr.String())
		}
	}
	return r, code, stderr.String()
}

// topFinding checks the exit code is 1 and returns the first finding.
func topFinding(t *testing.T, r diagnose.Report, code int, stderr string) diagnose.Finding {
	t.Helper()
	if code != 1 || len(r.Findings) == 0 {
		t.Fatalf("exit %d, findings %+v, stderr %s", code, r.Findings, stderr)
	}
	f := r.Findings[0]
	if f.Severity != diagnose.Critical || !f.Failing {
		t.Fatalf("top finding is not a critical failure: %+v", f)
	}
	return f
}

// expectTop asserts the top finding's cause, upstream and that its fix
// contains each of fixParts.
func expectTop(t *testing.T, f diagnose.Finding, cause, upstream string, fixParts ...string) {
	t.Helper()
	if f.Cause != cause || f.Upstream != upstream {
		t.Errorf("top finding cause %q upstream %q, want %q %q: %+v", f.Cause, f.Upstream, cause, upstream, f)
	}
	for _, p := range fixParts {
		if !strings.Contains(f.Fix, p) {
			t.Errorf("fix %q does not name %q", f.Fix, p)
		}
	}
	if f.Runbook != diagnose.RunbookFor(cause) {
		t.Errorf("runbook %q", f.Runbook)
	}
}

func hasEvidence(f diagnose.Finding, substr string) bool {
	for _, e := range f.Evidence {
		if strings.Contains(e, substr) {
			return true
		}
	}
	return false
}

// TestDiagnoseBackendNotRunning: nothing listens on the upstream's port;
// the 502 of --url is tied to the finding.
func TestDiagnoseBackendNotRunning(t *testing.T) {
	dead := backend.ClosedPort(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(`
upstream app {
    server %s;
}
server { listen {{listen}}; location / { proxy_pass http://app; } }`, dead))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/"))
	f := topFinding(t, r, code, stderr)
	// The probe's fix names `server ADDR` at file:line; the service check's,
	// which takes precedence when wired, "server in upstream app at file:line".
	expectTop(t, f, "connection_refused", dead, "server ", " at "+ngx.ConfigPath()+":")
	if !hasEvidence(f, "answered 502") {
		t.Errorf("the --url 502 is not evidence of the top finding: %q", f.Evidence)
	}
	if !hasEvidence(f, ngx.ConfigPath()+":") {
		t.Errorf("no file:line in the evidence: %q", f.Evidence)
	}
}

// TestDiagnoseProtocolMismatch: https:// to a plain-HTTP port, and http://
// to a TLS-only port; each fix swaps the scheme in the proxy_pass.
func TestDiagnoseProtocolMismatch(t *testing.T) {
	plain, tlsOnly := backend.HTTPOK(t), backend.TLSOnly(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(`
server {
    listen {{listen}};
    location /a/ { proxy_pass https://%s; }
    location /b/ { proxy_pass http://%s; }
}`, plain, tlsOnly))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/a/"))
	topFinding(t, r, code, stderr)
	byUpstream := map[string]diagnose.Finding{}
	for _, f := range r.Findings {
		byUpstream[f.Upstream] = f
	}
	expectTop(t, byUpstream[plain], "protocol_error", plain, "`proxy_pass http://"+plain+"`")
	expectTop(t, byUpstream[tlsOnly], "protocol_error", tlsOnly, "`proxy_pass https://"+tlsOnly+"`")
}

// TestDiagnoseBackendClosesMidResponse: the app dies while answering.
func TestDiagnoseBackendClosesMidResponse(t *testing.T) {
	crash := backend.ForTest(t, backend.ModeCrash)
	ngx := nginxtest.Start(t, fmt.Sprintf(`server { listen {{listen}}; location / { proxy_pass http://%s; } }`, crash))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath())
	expectTop(t, topFinding(t, r, code, stderr), "premature_close", crash, "journalctl", "dmesg", "keepalive_timeout")
}

// TestDiagnoseHealthy: a working setup has no critical finding, exit 0.
func TestDiagnoseHealthy(t *testing.T) {
	live := backend.HTTPOK(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(`
upstream app {
    server %s;
    keepalive 8;
}
server {
    listen {{listen}};
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
}`, live))
	r, code, stderr := diagnoseJSON(t, "--nginx.config="+ngx.ConfigPath(), "--url="+ngx.URL("/"))
	if code != 0 || r.Critical() {
		t.Fatalf("exit %d, findings %+v, stderr %s", code, r.Findings, stderr)
	}
	if len(r.Checked.Upstreams) != 1 || r.Checked.Upstreams[0] != live || len(r.Checked.URLs) != 1 {
		t.Errorf("checked %+v", r.Checked)
	}
	for _, f := range r.Findings {
		t.Errorf("unexpected finding on a healthy setup: %+v", f)
	}
}

// TestDiagnoseTextAndMarkdown: the other two outputs of the same run.
func TestDiagnoseTextAndMarkdown(t *testing.T) {
	dead := backend.ClosedPort(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(`server { listen {{listen}}; location / { proxy_pass http://%s; } }`, dead))
	for output, want := range map[string]string{"text": "CRITICAL  connection_refused  " + dead, "markdown": "| critical | connection_refused | " + dead + " |"} {
		var stdout, stderr bytes.Buffer
		code := runContext(context.Background(), []string{"diagnose", "--output=" + output, "--timeout=10s", "--nginx.config=" + ngx.ConfigPath()}, strings.NewReader(""), &stdout, &stderr)
		if code != 1 || !strings.Contains(stdout.String(), want) {
			t.Errorf("--output=%s: exit %d, stderr %s\n%s", output, code, stderr.String(), stdout.String())
		}
	}
}
