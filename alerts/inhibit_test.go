package alerts_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/promtest"
)

// TestAlertmanagerInhibition posts alerts to a real Alertmanager running
// the shipped configuration and checks which ones it suppresses: a failing
// probe silences the per-cause log alerts of the same instance and upstream
// (not those of another upstream, not the correlated alert), and a down
// exporter silences everything else from its instance.
func TestAlertmanagerInhibition(t *testing.T) {
	promtest.AlertmanagerBin.Require(t)
	hook := promtest.StartWebhook(t)
	am := promtest.StartAlertmanager(t, alertmanagerConfig(t, hook.URL))

	alert := func(name, severity, signal string, labels ...string) promtest.PostableAlert {
		l := map[string]string{"alertname": name, "severity": severity, "signal": signal}
		for i := 0; i+1 < len(labels); i += 2 {
			l[labels[i]] = labels[i+1]
		}
		return promtest.PostableAlert{Labels: l, StartsAt: time.Now()}
	}
	const instA, instB, instC = "proxy1:9502", "proxy2:9502", "proxy3:9502"
	cases := []struct {
		alert      promtest.PostableAlert
		suppressed bool
	}{
		{alert("UpstreamProbeFailing", "critical", "probe", "instance", instA, "proxy", "nginx", "upstream", "10.0.2.14:8080"), false},
		{alert("UpstreamConnectionRefused", "critical", "cause", "instance", instA, "proxy", "nginx", "upstream", "10.0.2.14:8080", "cause", "connection_refused"), true},
		{alert("UpstreamTimeouts", "warning", "cause", "instance", instA, "proxy", "nginx", "upstream", "10.0.2.14:8080", "cause", "read_timeout"), true},
		{alert("UpstreamDownConfirmed", "critical", "correlated", "instance", instA, "proxy", "nginx", "upstream", "10.0.2.14:8080", "cause", "connection_refused"), false},
		{alert("UpstreamConnectionRefused", "critical", "cause", "instance", instA, "proxy", "nginx", "upstream", "10.0.2.15:8080", "cause", "connection_refused"), false},
		{alert("UpstreamConnectionRefused", "critical", "cause", "instance", instC, "proxy", "nginx", "upstream", "10.0.2.14:8080", "cause", "connection_refused"), false},
		{alert("ProxyLocalPortsExhausted", "critical", "cause", "instance", instA, "proxy", "nginx", "cause", "local_address_unavailable"), false},
		{alert("BadgatewayExporterDown", "critical", "exporter", "instance", instB, "job", "badgateway"), false},
		{alert("High502ErrorRate", "critical", "status", "instance", instB, "proxy", "nginx", "server", "shop.example.com"), true},
		{alert("BadgatewayLogStalled", "warning", "exporter", "instance", instB, "path", "/var/log/nginx/access.log"), true},
		{alert("High502ErrorRate", "critical", "status", "instance", instA, "proxy", "nginx", "server", "shop.example.com"), false},
	}
	var post []promtest.PostableAlert
	for _, c := range cases {
		post = append(post, c.alert)
	}
	if err := am.Post(post...); err != nil {
		t.Fatal(err)
	}

	// Alertmanager computes inhibition asynchronously: poll (bounded) until
	// every alert has the expected state, then report what still differs.
	var mismatches []string
	for try := 0; try < 100; try++ {
		got, err := am.Alerts()
		if err != nil {
			t.Fatal(err)
		}
		mismatches = mismatches[:0]
		for _, c := range cases {
			var state string
			for _, g := range got {
				if matchLabels(g.Labels, c.alert.Labels) && len(g.Labels) == len(c.alert.Labels) {
					state = g.Status.State
				}
			}
			want := "active"
			if c.suppressed {
				want = "suppressed"
			}
			if state != want {
				mismatches = append(mismatches, fmt.Sprintf("%v: state %q, want %q", c.alert.Labels, state, want))
			}
		}
		if len(mismatches) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, m := range mismatches {
		t.Error(m)
	}
}
