package checklist

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// connectivityFindings turns the probe results of each target into
// findings: every failure is critical (the proxy fails the same way now),
// with the probe result and the configuration line as evidence.
func connectivityFindings(in *Inputs, results [][]probe.Result) []diagnose.Finding {
	directives := in.directivesByWhere()
	var out []diagnose.Finding
	for i, t := range in.Targets {
		rs := results[i]
		d := pickDirective(directives[t.Where], t)
		var ok []probe.Result
		for _, r := range rs {
			if r.Success {
				ok = append(ok, r)
			}
		}
		for _, r := range rs {
			if r.Success {
				continue
			}
			f := diagnose.Finding{
				Severity: diagnose.Critical, Check: diagnose.CheckConnectivity, Failing: true,
				Cause: r.Cause.String(), Upstream: r.Upstream, Seen: r.Start,
				Evidence: []string{probeEvidence(t, r), configEvidence(t, d)},
			}
			switch r.Cause {
			case cause.None:
				f.Cause = ""
			case cause.DNSFailure: // a name in the configuration that this host cannot resolve
				f.Check = diagnose.CheckConfig
			}
			if len(ok) > 0 && isName(t.Address) {
				f.Summary, f.Fix = addressTrap(t, r, ok[0], d)
			} else {
				f.Summary = failureSummary(r)
				f.Fix = fixFor(t, r, d)
			}
			f.Runbook = diagnose.RunbookFor(f.Cause)
			out = append(out, f)
		}
	}
	return out
}

// addressTrap explains a name whose addresses answer differently: nginx
// tries each address in turn, so the one that fails costs every request a
// failed attempt, and fails it outright when it is the last one tried.
func addressTrap(t probe.Target, bad, good probe.Result, d *nginxconf.Directive) (summary, fix string) {
	host, _, _ := net.SplitHostPort(t.Address)
	summary = fmt.Sprintf("%s resolves to %s too: %s fails (%s) while %s answers", host, bad.Address, bad.Address, bad.Cause, good.Address)
	fix = fmt.Sprintf("pin the address that answers: %s (or make the app listen on %s too)", replaceIn(t, d, good.Address, ""), bad.Address)
	return summary, fix
}

// failureSummary is the line read first: the upstream, the cause, and
// what it means (the first clause of the cause's fix hint).
func failureSummary(r probe.Result) string {
	meaning, _, _ := strings.Cut(r.Cause.FixHint(), ":")
	switch {
	case r.Cause == cause.None:
		return fmt.Sprintf("%s fails the probe: %s", r.Upstream, r.Err)
	case r.Cause == cause.DNSFailure:
		return fmt.Sprintf("%s: %s", r.Upstream, probeDNSSummary(hostOf(r.Upstream), r.Err))
	case meaning == "":
		return fmt.Sprintf("%s: %s", r.Upstream, r.Cause)
	}
	return fmt.Sprintf("%s: %s (%s)", r.Upstream, r.Cause, meaning)
}

// probeEvidence is one line that says what the probe did and saw.
func probeEvidence(t probe.Target, r probe.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "probe %s %s", t.Module, r.Address)
	if t.Module == probe.ModuleHTTP {
		path := t.HTTP.Path
		if path == "" {
			path = "/"
		}
		scheme := "http"
		if t.TLS != nil {
			scheme = "https"
		}
		fmt.Fprintf(&b, " (%s %s)", scheme, path)
	}
	if r.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", r.StatusCode)
	}
	if r.Err != "" {
		fmt.Fprintf(&b, ": %s", r.Err)
	}
	if r.Duration < time.Millisecond {
		b.WriteString(" after <1ms")
	} else {
		fmt.Fprintf(&b, " after %v", r.Duration.Round(time.Millisecond))
	}
	return b.String()
}

// configEvidence names the configuration line of a target.
func configEvidence(t probe.Target, d *nginxconf.Directive) string {
	switch {
	case d != nil:
		return fmt.Sprintf("%s: %s", t.Where, d.String())
	case t.Where != "":
		return fmt.Sprintf("configured at %s", t.Where)
	}
	return "configured as " + t.Address
}

// isName reports whether a target's address is a host name (not an IP
// address or a unix socket).
func isName(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	_, err = netip.ParseAddr(host)
	return err != nil
}

// directivesByWhere indexes the nginx directives that name upstreams (pass
// directives and servers) by "file:line".
func (in *Inputs) directivesByWhere() map[string][]*nginxconf.Directive {
	m := map[string][]*nginxconf.Directive{}
	for _, p := range in.Proxies {
		if p.Nginx == nil {
			continue
		}
		p.Nginx.Walk(func(d *nginxconf.Directive, _ []*nginxconf.Directive) bool {
			if isUpstreamDirective(d) {
				m[d.Where()] = append(m[d.Where()], d)
			}
			return true
		})
	}
	return m
}

// pickDirective is the directive of ds (all on t's line) that names t's
// address, else the first.
func pickDirective(ds []*nginxconf.Directive, t probe.Target) *nginxconf.Directive {
	if len(ds) == 0 {
		return nil
	}
	for _, d := range ds {
		if a := d.Arg(0); a == t.Address || strings.Contains(a, "://"+t.Address) || strings.TrimPrefix(a, "unix:") == strings.TrimPrefix(t.Address, "unix:") {
			return d
		}
	}
	return ds[0]
}

// upstreamName is how Checked lists a target.
func upstreamName(t probe.Target) string {
	if t.Upstream != "" {
		return t.Upstream
	}
	return t.Address
}

func isUpstreamDirective(d *nginxconf.Directive) bool {
	return d.Name == "server" || strings.HasSuffix(d.Name, "_pass")
}
