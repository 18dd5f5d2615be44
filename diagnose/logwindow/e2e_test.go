package logwindow

import (
	"fmt"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/internal/backend"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

const e2eFormat = `$remote_addr - [$time_local] "$request" $status $upstream_addr $upstream_status $upstream_response_time`

const e2eConfig = `
log_format timing '` + e2eFormat + `';
server {
    listen {{listen}};
    access_log {{dir}}/logs/timing.log timing;
    proxy_read_timeout 1s;
    location = /refused { proxy_pass http://%[1]s; }
    location = /slow    { proxy_pass http://%[2]s; }
    location = /ok      { proxy_pass http://%[3]s; }
}
`

// Real nginx on loopback in front of a refusing backend, a backend that
// answers after 3 s (proxy_read_timeout 1s) and a healthy one: the requests
// of the test produce real error and access lines, and the window over them
// has exact counts per upstream and cause, the 5xx shares, and p99 ≥ 1s
// for the slow upstream.
func TestEndToEndNginx(t *testing.T) {
	refused, slow, ok := backend.ClosedPort(t), backend.Slow(t, 3*time.Second), backend.HTTPOK(t)
	ngx := nginxtest.Start(t, fmt.Sprintf(e2eConfig, refused, slow, ok))
	get := func(path string, want, n int) {
		for range n {
			if status, _, err := ngx.Get(path); err != nil || status != want {
				t.Fatalf("GET %s: %d %v, want %d", path, status, err, want)
			}
		}
	}
	get("/refused", 502, 5)
	get("/slow", 504, 3)
	get("/ok", 200, 4)

	files := []File{
		{Path: ngx.ErrorLogPath(), Format: NginxError},
		{Path: ngx.Dir() + "/logs/timing.log", Format: NginxAccess, Access: compileAccess(t, e2eFormat)},
	}
	var res Result
	var r, s, o *Upstream
	deadline := time.Now().Add(60 * time.Second)
	for {
		res = Read(files, Options{Since: 15 * time.Minute})
		r, s, o = res.Summary.Upstream(refused), res.Summary.Upstream(slow), res.Summary.Upstream(ok)
		if r != nil && s != nil && o != nil && r.Count(cause.ConnectionRefused) >= 5 && s.Count(cause.ReadTimeout) >= 3 &&
			r.Requests >= 5 && s.Requests >= 3 && o.Requests >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the logs did not show the requests within 60s: %+v, skipped %v", res.Summary, res.Skipped)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %v", res.Skipped)
	}
	if got := r.Count(cause.ConnectionRefused); got != 5 || len(r.Causes) != 1 {
		t.Errorf("%s: connection_refused %d, causes %+v; want exactly 5", refused, got, r.Causes)
	}
	if got := s.Count(cause.ReadTimeout); got != 3 || len(s.Causes) != 1 {
		t.Errorf("%s: read_timeout %d, causes %+v; want exactly 3", slow, got, s.Causes)
	}
	if len(o.Causes) != 0 {
		t.Errorf("%s: causes %+v, want none", ok, o.Causes)
	}
	if r.Requests != 5 || r.Gateway5xx != 5 || s.Requests != 3 || s.Gateway5xx != 3 || o.Requests != 4 || o.Status5xx != 0 {
		t.Errorf("requests: refused %+v, slow %+v, ok %+v", r, s, o)
	}
	if s.Samples != 3 || s.P99 < time.Second || s.P50 < time.Second {
		t.Errorf("slow upstream response times: %d samples, p50 %v, p99 %v; want p99 ≥ 1s", s.Samples, s.P50, s.P99)
	}
	if o.Samples != 4 || o.P99 >= time.Second {
		t.Errorf("ok upstream response times: %d samples, p99 %v", o.Samples, o.P99)
	}

	fs := res.Findings()
	byKey := map[string]diagnose.Finding{}
	for _, f := range fs {
		byKey[f.Upstream+" "+f.Cause] = f
	}
	for key, want := range map[string]string{refused + " connection_refused": "5 × connection_refused from " + refused,
		slow + " read_timeout": "3 × read_timeout from " + slow} {
		f, found := byKey[key]
		if !found || f.Severity != diagnose.Critical || !f.Failing || len(f.Evidence) == 0 || f.Fix == "" ||
			len(f.Summary) < len(want) || f.Summary[:len(want)] != want {
			t.Errorf("finding %s: %+v", key, f)
		}
	}
	if f := byKey[ok+" "]; f.Severity != diagnose.Info || f.Seen.IsZero() {
		t.Errorf("healthy upstream's finding: %+v", f)
	}
	t.Logf("findings: %+v", fs)
}
