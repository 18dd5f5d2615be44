package runner

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/probe"
)

// render prints targets one a line, as package discover's tests do.
func render(ts []probe.Target) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s %s", t.Module, t.Address)
		if t.Upstream != "" {
			fmt.Fprintf(&b, " upstream=%s", t.Upstream)
		}
		fmt.Fprintf(&b, " group=%q proxy=%s", t.Group, t.Proxy)
		if t.Module == probe.ModuleHTTP {
			fmt.Fprintf(&b, " http=%s%s%s", t.HTTP.Method, t.HTTP.Host, t.HTTP.Path)
			if fmt.Sprint(t.HTTP.Expect) != "[{200 499}]" {
				fmt.Fprintf(&b, "%v", t.HTTP.Expect)
			}
		}
		if t.TLS != nil {
			fmt.Fprintf(&b, " tls=%+v", *t.TLS)
		}
		if len(t.Params) > 0 {
			fmt.Fprintf(&b, " params=%q", t.Params)
		}
		fmt.Fprintf(&b, " at %s\n", t.Where)
	}
	return b.String()
}

func TestStaticTargets(t *testing.T) {
	c, err := config.Load("../../config/testdata/good-probes.yml")
	if err != nil {
		t.Fatal(err)
	}
	ts := staticTargets(c.Probes)
	got := render(ts)
	want := `http 127.0.0.1:8000 group="" proxy= http=app.local/health[{200 200} {300 399} {500 503}] at probes.targets[0]
tcp unix:/run/php/php-fpm.sock group="" proxy= at probes.targets[1]
tls app.bgw.invalid:8443 group="app" proxy= tls={ServerName:app.bgw.invalid VerifyName:app.bgw.invalid InsecureSkipVerify:false CAFile:/etc/ssl/ca.pem} at probes.targets[2]
http [::1]:9000 group="" proxy= http=[] tls={ServerName: VerifyName:::1 InsecureSkipVerify:true CAFile:} at probes.targets[3]
dns app.bgw.invalid group="" proxy= at probes.targets[4]
`
	if got != want {
		t.Errorf("targets:\n%s\nwant:\n%s", got, want)
	}
	o := schedulerOptions(c.Probes, nil)
	if o.Interval != 30*time.Second || o.Timeout != 2*time.Second || o.Concurrency != 8 || o.Resolver == nil {
		t.Errorf("options %+v", o)
	}
	if o := schedulerOptions(config.ProbesConfig{}, nil); o.Interval != config.DefaultProbeInterval || o.Timeout != config.DefaultProbeTimeout || o.Resolver != nil {
		t.Errorf("options without a probes section: %+v", o)
	}
}
