// Package checklist runs the 502 checklist of the diagnose command against
// this host: it finds the proxies' configurations, probes every upstream
// once, lints the configuration against what it sees, requests the --url
// pages, and assembles a diagnose.Report, ranked so that what explains
// today's 502s comes first. It renders the report as text, JSON or
// markdown.
//
// The log and host checks live in diagnose/logwindow and
// diagnose/hostcheck; Options.Logs and Options.Host plug them in. A check
// that cannot run is listed under Checked.Skipped with the reason.
package checklist

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/hostcheck"
	"github.com/badgateway/badgateway_exporter/diagnose/logwindow"
	"github.com/badgateway/badgateway_exporter/probe"
)

// Options say what to diagnose. The zero value looks for nginx and HAProxy
// on the host.
type Options struct {
	NginxConfig   string // nginx.conf to read; "" looks for nginx
	HAProxyConfig string // haproxy.cfg to read; "" looks for HAProxy
	ConfigFile    string // the exporter's own configuration: logs, probes
	// NginxBinary and HAProxyBinary are the programs run for `nginx -T`,
	// `nginx -t` and `haproxy -c`; "" looks for them on PATH.
	NginxBinary, HAProxyBinary string
	// NginxArgs are passed before -t/-T, e.g. -p PREFIX -e stderr.
	NginxArgs []string
	// DefaultNginxPaths and DefaultHAProxyPaths are where to look when no
	// configuration is named; nil: the usual places.
	DefaultNginxPaths, DefaultHAProxyPaths []string
	Since                                  time.Duration // the log window; default 15m
	URLs                                   []string      // requested and tied to the findings
	Timeout                                time.Duration // of one probe or request; default 3s
	Concurrency                            int           // upstreams probed at once; default 16
	Resolver                               *net.Resolver // for upstream names; nil: the probes section's dns_server, else the system's
	// Logs and Host run the checks of diagnose/logwindow and
	// diagnose/hostcheck; nil lists them as skipped.
	Logs, Host PlugIn
	Now        func() time.Time
}

// PlugIn is a check of another package: it gets what was found and
// returns its findings and what it could not check.
type PlugIn func(ctx context.Context, in *Inputs) ([]diagnose.Finding, []diagnose.Skipped)

func (o *Options) setDefaults() {
	if o.Since <= 0 {
		o.Since = 15 * time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = probe.DefaultConcurrency
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DefaultNginxPaths == nil {
		o.DefaultNginxPaths = []string{"/etc/nginx/nginx.conf", "/usr/local/nginx/conf/nginx.conf", "/usr/local/etc/nginx/nginx.conf"}
	}
	if o.DefaultHAProxyPaths == nil {
		o.DefaultHAProxyPaths = []string{"/etc/haproxy/haproxy.cfg", "/usr/local/etc/haproxy/haproxy.cfg"}
	}
}

// ErrNothingToDiagnose is returned when no proxy configuration and no
// target was found: the command exits 2.
var ErrNothingToDiagnose = errors.New("nothing to diagnose: no nginx or HAProxy configuration found and no probe targets; name one with --nginx.config, --haproxy.config or --config.file")

// Run runs the checklist. An error means diagnose itself could not run
// (exit code 2); otherwise the report says what was found and skipped.
func Run(ctx context.Context, o Options) (*diagnose.Report, error) {
	o.setDefaults()
	in, err := gather(ctx, &o)
	if err != nil {
		return nil, err
	}
	if len(in.Proxies) == 0 && len(in.Targets) == 0 {
		return nil, ErrNothingToDiagnose
	}
	r := &diagnose.Report{Time: o.Now().UTC(), Checked: in.checked}
	r.Checked.Since = logwindow.FormatSince(o.Since)
	resolver := o.Resolver
	if resolver == nil {
		resolver = in.resolver
	}
	results, err := probe.Once(ctx, in.Targets, probe.Options{Timeout: o.Timeout, Concurrency: o.Concurrency, Resolver: resolver})
	if err != nil {
		return nil, err
	}
	r.Checked.Ran = append(r.Checked.Ran, diagnose.CheckConnectivity)
	in.Refused = refusedAddrs(results)
	r.Findings = append(r.Findings, connectivityFindings(in, results)...)
	for _, t := range in.Targets {
		r.Checked.Upstreams = append(r.Checked.Upstreams, upstreamName(t))
	}
	cf, skipped := configFindings(ctx, in, &o, resolver)
	r.Findings = append(r.Findings, cf...)
	r.Checked.Skipped = append(r.Checked.Skipped, skipped...)
	r.Checked.Ran = append(r.Checked.Ran, diagnose.CheckConfig)
	r.Checked.Skipped = append(r.Checked.Skipped, checkLogsReadable(in)...)
	plugIn(ctx, r, in, o.Logs, "package diagnose/logwindow is not wired into this build yet", diagnose.CheckLogs)
	plugIn(ctx, r, in, o.Host, "package diagnose/hostcheck is not wired into this build yet", diagnose.CheckService, diagnose.CheckNetwork)
	hostcheck.SettleFirewall(r.Findings)
	r.Checked.Logs = append(r.Checked.Logs, in.LogsRead...)
	mergeDuplicates(r)
	diagnose.Sort(r.Findings)
	if len(o.URLs) > 0 {
		checkURLs(ctx, r, in, o.URLs, o.Timeout)
		diagnose.Sort(r.Findings)
	}
	if r.Checked.Skipped == nil {
		r.Checked.Skipped = []diagnose.Skipped{}
	}
	return r, nil
}

// plugIn runs an optional check, or lists its checks as skipped.
func plugIn(ctx context.Context, r *diagnose.Report, in *Inputs, check PlugIn, missing string, names ...string) {
	if check == nil {
		for _, name := range names {
			r.Checked.Skipped = append(r.Checked.Skipped, diagnose.Skipped{Check: name, Reason: missing})
		}
		return
	}
	fs, skipped := check(ctx, in)
	r.Findings = append(r.Findings, fs...)
	r.Checked.Skipped = append(r.Checked.Skipped, skipped...)
	r.Checked.Ran = append(r.Checked.Ran, names...)
}

// refusedAddrs are the IP addresses whose probe was refused.
func refusedAddrs(results [][]probe.Result) []netip.AddrPort {
	var out []netip.AddrPort
	for _, rs := range results {
		for _, r := range rs {
			if r.Cause != cause.ConnectionRefused {
				continue
			}
			if a, err := netip.ParseAddrPort(r.Address); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}
