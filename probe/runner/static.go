package runner

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/probe"
)

// staticTargets turns the targets of the probes section into probe
// targets. A host name is resolved before each probe and every address is
// its own upstream, labelled "IP:port" as nginx would log it. With TLS, SNI
// and the certificate name default to the http.host, else the host of
// upstream.
func staticTargets(cfg config.ProbesConfig) []probe.Target {
	out := make([]probe.Target, 0, len(cfg.Targets))
	for i, c := range cfg.Targets {
		t := probe.Target{Address: c.Upstream, Module: probe.Module(c.Module), Group: c.Group,
			Where: fmt.Sprintf("probes.targets[%d]", i)}
		if t.Module == "" {
			t.Module = inferModule(c)
		}
		if c.HTTP != nil {
			t.HTTP = probe.HTTPOptions{Path: c.HTTP.Path, Method: c.HTTP.Method, Host: c.HTTP.Host,
				Expect: statusRanges(c.HTTP.ExpectStatus), FollowRedirects: c.HTTP.FollowRedirects}
		}
		if c.TLS != nil {
			t.TLS = staticTLS(c)
		}
		out = append(out, t)
	}
	return out
}

func inferModule(c config.ProbeTarget) probe.Module {
	switch {
	case c.HTTP != nil:
		return probe.ModuleHTTP
	case c.TLS != nil:
		return probe.ModuleTLS
	}
	return probe.ModuleTCP
}

func staticTLS(c config.ProbeTarget) *probe.TLSOptions {
	name := c.TLS.ServerName
	if name == "" && c.HTTP != nil && c.HTTP.Host != "" {
		name = c.HTTP.Host
		if h, _, err := net.SplitHostPort(name); err == nil {
			name = h
		}
	}
	if name == "" {
		if h, _, err := net.SplitHostPort(c.Upstream); err == nil {
			name = h
		}
	}
	o := &probe.TLSOptions{VerifyName: name, InsecureSkipVerify: c.TLS.InsecureSkipVerify, CAFile: c.TLS.CAFile}
	if net.ParseIP(name) == nil {
		o.ServerName = name
	}
	return o
}

func statusRanges(ms []config.StatusMatch) []probe.StatusRange {
	var out []probe.StatusRange
	for _, m := range ms {
		out = append(out, probe.StatusRange{Lo: m.Lo, Hi: m.Hi})
	}
	return out
}

// schedulerOptions are the probe.Options of a probes section; unset values
// (no probes section) take the defaults.
func schedulerOptions(cfg config.ProbesConfig, logger *slog.Logger) probe.Options {
	o := probe.Options{Interval: cfg.Interval, Timeout: cfg.Timeout, Concurrency: cfg.Concurrency,
		Resolver: probe.Resolver(cfg.DNSServer), Logger: logger}
	if o.Interval <= 0 {
		o.Interval = config.DefaultProbeInterval
	}
	if o.Timeout <= 0 {
		o.Timeout = min(config.DefaultProbeTimeout, o.Interval/2)
	}
	return o
}

// discoverOptions are the discover.Options of a discover section.
func discoverOptions(d config.DiscoverConfig) discover.Options {
	if d.HTTP == nil {
		return discover.Options{}
	}
	return discover.Options{HTTPPath: d.HTTP.Path, HTTPExpect: statusRanges(d.HTTP.ExpectStatus)}
}
