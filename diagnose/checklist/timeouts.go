package checklist

import (
	"fmt"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/logwindow"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// nginxDefaultReadTimeout is proxy_read_timeout when none is set.
const nginxDefaultReadTimeout = 60 * time.Second

// setting is a timeout or buffer in force for an upstream, and where.
type setting struct {
	directive string // "proxy_read_timeout", "timeout server", "proxy_buffer_size"
	value     string // as written; "" when not set
	where     string // file:line of the directive, or of the pass directive when it is not set
	set       bool
	dur       time.Duration
}

// tieToConfig makes the logs' read_timeout and header_too_big findings name
// the directive in force with a concrete value, and warns when an
// upstream's p99 response time comes close to its read timeout.
func tieToConfig(in *Inputs, s *logwindow.Summary, fs []diagnose.Finding) []diagnose.Finding {
	var extra []diagnose.Finding
	unreadable := map[string]bool{}
	readTimeout := func(t probe.Target) (setting, bool) {
		st, ok, err := readTimeoutOf(in, t)
		if err != nil && !unreadable[err.Error()] {
			unreadable[err.Error()] = true
			extra = append(extra, unreadableTimeout(err))
		}
		return st, ok
	}
	for i := range fs {
		f := &fs[i]
		t, ok := targetOf(in, f.Upstream)
		if !ok || f.Check != diagnose.CheckLogs {
			continue
		}
		switch f.Cause {
		case cause.ReadTimeout.String():
			st, ok := readTimeout(t)
			if !ok {
				continue
			}
			u := s.Upstream(f.Upstream)
			f.Summary = fmt.Sprintf("%s did not answer within %s %v; %s", f.Upstream, st.directive, st.dur, strings.Replace(f.Summary, " from "+f.Upstream, "", 1))
			f.Evidence = append(f.Evidence, st.evidence())
			f.Fix = fmt.Sprintf("%s answers slower than %s %v: fix the slow endpoint (find it in the app's slow-request log), or if such answers are expected raise `%s %s;` at %s",
				f.Upstream, st.directive, st.dur, st.directive, suggestTimeout(st.dur, u), st.where)
			if u != nil && u.Samples > 0 {
				f.Evidence = append(f.Evidence, fmt.Sprintf("upstream response time p99 %v over %d responses", u.P99.Round(time.Millisecond), u.Samples))
			}
		case cause.HeaderTooBig.String():
			f.Fix = bufferFix(in, t)
		}
	}
	for i := range s.Upstreams {
		u := &s.Upstreams[i]
		t, ok := targetOf(in, u.Name)
		if !ok || u.Samples == 0 || u.Count(cause.ReadTimeout) > 0 {
			continue
		}
		st, ok := readTimeout(t)
		if !ok || u.P99*10 < st.dur*8 {
			continue
		}
		extra = append(extra, diagnose.Finding{
			Severity: diagnose.Warning, Check: diagnose.CheckConfig, Cause: cause.ReadTimeout.String(), Upstream: u.Name,
			Summary:  fmt.Sprintf("p99 upstream response time %v is within 20%% of %s %v: slower answers will fail", u.P99.Round(time.Millisecond), st.directive, st.dur),
			Evidence: []string{fmt.Sprintf("upstream response time p99 %v over %d responses", u.P99.Round(time.Millisecond), u.Samples), st.evidence()},
			Fix:      fmt.Sprintf("fix the slow endpoint, or raise `%s %s;` at %s", st.directive, suggestTimeout(st.dur, u), st.where),
			Runbook:  diagnose.RunbookFor(cause.ReadTimeout.String()),
		})
	}
	return extra
}

func (st setting) evidence() string {
	if st.set {
		return fmt.Sprintf("%s: %s %s", st.where, st.directive, st.value)
	}
	return fmt.Sprintf("%s is not set for the upstream passed to at %s: the default %v applies", st.directive, st.where, st.dur)
}

// suggestTimeout is twice the larger of the timeout and the p99, in whole
// seconds.
func suggestTimeout(current time.Duration, u *logwindow.Upstream) string {
	d := current
	if u != nil && u.P99 > d {
		d = u.P99
	}
	return fmt.Sprintf("%ds", int((2*d+time.Second-1)/time.Second))
}

// targetOf finds the configured target an upstream label belongs to.
func targetOf(in *Inputs, label string) (probe.Target, bool) {
	for _, t := range in.Targets {
		if label != "" && (upstreamName(t) == label || t.Address == label) {
			return t, true
		}
	}
	return probe.Target{}, false
}

// unreadableTimeout is the finding of a timeout directive whose value
// diagnose cannot use (it overflows, or is zero): the read-timeout lint
// cannot run for it.
func unreadableTimeout(err error) diagnose.Finding {
	return diagnose.Finding{
		Severity: diagnose.Warning, Check: diagnose.CheckConfig,
		Summary:  fmt.Sprintf("the read timeout cannot be checked: %v", err),
		Evidence: []string{err.Error()},
		Fix:      "write the timeout as a positive time that fits (e.g. 60s, 10m, 1h)",
	}
}

// readTimeoutOf is the proxy_read_timeout (nginx) or timeout server
// (HAProxy) that applies to t. err names the file:line of a directive
// whose value cannot be read (ok is false then).
func readTimeoutOf(in *Inputs, t probe.Target) (setting, bool, error) {
	if t.Proxy == "haproxy" {
		return haproxyTimeoutServer(in, t)
	}
	pass, parents, cfg := passOf(in, t)
	if pass == nil {
		return setting{}, false, nil
	}
	st := setting{directive: "proxy_read_timeout", where: pass.Where(), dur: nginxDefaultReadTimeout}
	if d := nginxconf.Lookup(cfg.Directives, parents, st.directive); d != nil {
		dur, err := parseNginxDuration(d.Arg(0))
		if err != nil {
			return setting{}, false, fmt.Errorf("%s: %s: %w", d.Where(), st.directive, err)
		}
		st.value, st.where, st.set, st.dur = d.Arg(0), d.Where(), true, dur
	}
	return st, true, nil
}

// bufferFix names proxy_buffer_size (nginx) or tune.bufsize (HAProxy).
func bufferFix(in *Inputs, t probe.Target) string {
	const trim = "or trim the app's response headers (cookies, long redirects)"
	if t.Proxy == "haproxy" {
		return "raise `tune.bufsize 32768` in the global section (the default 16384 holds the response headers), " + trim
	}
	pass, parents, cfg := passOf(in, t)
	if pass == nil {
		return "raise proxy_buffer_size to 16k, " + trim
	}
	now := "one memory page, 4k, by default"
	where := pass.Where()
	if d := nginxconf.Lookup(cfg.Directives, parents, "proxy_buffer_size"); d != nil {
		now, where = d.Arg(0)+" now", d.Where()
	}
	return fmt.Sprintf("the response headers of %s exceed proxy_buffer_size (%s): set `proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;` at %s, %s",
		upstreamName(t), now, where, trim)
}

// passOf finds the proxy_pass that sends to t, with its enclosing blocks.
func passOf(in *Inputs, t probe.Target) (*nginxconf.Directive, []*nginxconf.Directive, *nginxconf.Config) {
	for _, p := range in.Proxies {
		if p.Nginx == nil {
			continue
		}
		var found *nginxconf.Directive
		var chain []*nginxconf.Directive
		p.Nginx.Walk(func(d *nginxconf.Directive, parents []*nginxconf.Directive) bool {
			if found != nil || d.Name != "proxy_pass" {
				return found == nil
			}
			host, port := passHost(d.Arg(0))
			if (t.Group != "" && port == "" && strings.EqualFold(host, t.Group)) || (t.Group == "" && d.Where() == t.Where) {
				found, chain = d, parents
			}
			return true
		})
		if found != nil {
			return found, chain, p.Nginx
		}
	}
	return nil, nil, nil
}
