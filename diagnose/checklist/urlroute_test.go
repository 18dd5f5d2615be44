package checklist

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// A --url 5xx with two failing upstreams is tied to the one whose prefix
// location the URL's path goes through.
func TestCheckURLsThroughTheLocation(t *testing.T) {
	bad := serveStatus(t, http.StatusBadGateway)
	u, _ := url.Parse(bad)
	conf := writeNginx(t, "server {\n listen "+u.Host+";\n location / { proxy_pass http://127.0.0.1:7000; }\n location /api/ { proxy_pass http://127.0.0.1:6000; }\n location = /x { proxy_pass http://127.0.0.1:5000; }\n}")
	in := &Inputs{}
	o := Options{NginxConfig: conf}
	o.setDefaults()
	if err := gatherNginx(t.Context(), in, &o, true, discoverOptionsZero()); err != nil {
		t.Fatal(err)
	}
	if labels, ok := urlUpstreams(in, bad+"api/v1"); !ok || !slices.Equal(labels, []string{"127.0.0.1:6000"}) {
		t.Fatalf("api/v1 goes to %v %v, want 127.0.0.1:6000", labels, ok)
	}
	if labels, ok := urlUpstreams(in, bad+"x"); !ok || !slices.Equal(labels, []string{"127.0.0.1:5000"}) {
		t.Errorf("x goes to %v %v, want 127.0.0.1:5000", labels, ok)
	}
	if labels, ok := urlUpstreams(in, "http://127.0.0.1:1/api/"); ok {
		t.Errorf("a port no server listens on goes to %v", labels)
	}
	r := &diagnose.Report{Findings: []diagnose.Finding{
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:5000", Summary: "a"},
		{Severity: diagnose.Critical, Upstream: "127.0.0.1:6000", Summary: "b"},
	}}
	checkURLs(context.Background(), r, in, []string{bad + "api/"}, 10*time.Second)
	if len(r.Findings) != 2 || len(r.Findings[1].Evidence) != 1 || len(r.Findings[0].Evidence) != 0 {
		t.Errorf("findings %+v, want the 502 tied to 127.0.0.1:6000", r.Findings)
	}
	regex := writeNginx(t, "server {\n listen "+u.Host+";\n location /api/ { proxy_pass http://127.0.0.1:6000; }\n location ~ ^/api/v { proxy_pass http://127.0.0.1:5000; }\n}")
	in, o = &Inputs{}, Options{NginxConfig: regex}
	o.setDefaults()
	if err := gatherNginx(t.Context(), in, &o, true, discoverOptionsZero()); err != nil {
		t.Fatal(err)
	}
	if labels, ok := urlUpstreams(in, bad+"api/v1"); ok {
		t.Errorf("with a regex location, api/v1 is said to go to %v", labels)
	}
}
