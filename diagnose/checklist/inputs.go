package checklist

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"time"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
	"github.com/badgateway/badgateway_exporter/probe/runner"
)

// Inputs is what the checks look at: the proxies found, their upstreams
// and their logs.
type Inputs struct {
	Proxies     []*Proxy
	Targets     []probe.Target // every upstream, with file:line in Where
	Unprobeable []probe.Unprobeable
	Logs        []LogFile // the logs the configurations name
	LogsRead    []string  // the files the logs check read (Checked.Logs)
	// ProxyLog are the newest error-log lines of failures of the proxy
	// itself (proxy_resource_exhausted: "worker_connections are not
	// enough", out of file descriptors) in the window, oldest first: the
	// logs check keeps them for the host checks, which run after it.
	ProxyLog []string
	Since    time.Duration // the log window (--since)
	// Refused are the addresses whose probe was refused (the connectivity
	// check runs first): the service check does not take a [::] listener
	// to accept IPv4 connections to them.
	Refused []netip.AddrPort

	checked  diagnose.Checked
	resolver *net.Resolver
}

// Proxy is one proxy configuration.
type Proxy struct {
	Kind   string // "nginx", "haproxy" or "apache"
	File   string // the main configuration file
	Binary string // nginx or haproxy; "" when not installed
	Args   []string
	Nginx  *nginxconf.Config // parsed, for nginx
}

// LogFile is a log a configuration names.
type LogFile struct {
	Path   string
	Format config.Format // nginx_error, nginx_access or haproxy
	Where  string        // the directive's file:line, or the config field
	Config *config.LogConfig
	// AccessFormat is the log_format an nginx access_log names ("combined"
	// when none), and Nginx the configuration that declares it.
	AccessFormat string
	Nginx        *nginxconf.Config
}

// gather reads the exporter's configuration and the proxies'. A file named
// on the command line that cannot be read is an error; what was only looked
// for is skipped with the reason.
func gather(ctx context.Context, o *Options) (*Inputs, error) {
	in := &Inputs{Since: o.Since}
	dopts := discover.Options{}
	if o.ConfigFile != "" {
		cfg, err := config.Load(o.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("--config.file: %w", err)
		}
		in.checked.Configs = append(in.checked.Configs, o.ConfigFile)
		in.Targets = append(in.Targets, runner.StaticTargets(cfg.Probes)...)
		in.resolver = probe.Resolver(cfg.Probes.DNSServer)
		d := cfg.Probes.Discover
		dopts = runner.DiscoverOptions(d)
		if o.NginxConfig == "" {
			o.NginxConfig = d.NginxConfig
		}
		if o.HAProxyConfig == "" {
			o.HAProxyConfig = d.HAProxyConfig
		}
		if o.NginxBinary == "" && d.NginxBinary != "" {
			o.NginxBinary, o.NginxArgs = d.NginxBinary, append(o.NginxArgs, d.NginxArgs...)
		}
		if d.ApacheConfig != "" { // probed; its configuration is not linted
			ts, us, err := discover.ApacheFile(d.ApacheConfig, dopts)
			if err != nil {
				return nil, fmt.Errorf("--config.file: probes.discover.apache_config: %w", err)
			}
			in.Proxies = append(in.Proxies, &Proxy{Kind: "apache", File: d.ApacheConfig})
			in.checked.Configs = append(in.checked.Configs, d.ApacheConfig)
			in.Targets, in.Unprobeable = append(in.Targets, ts...), append(in.Unprobeable, us...)
		}
		for i := range cfg.Logs {
			l := &cfg.Logs[i]
			in.Logs = append(in.Logs, LogFile{Path: l.Path, Format: l.Format, Where: fmt.Sprintf("%s: logs[%d]", o.ConfigFile, i), Config: l})
		}
	}
	named := o.NginxConfig != "" || o.HAProxyConfig != "" || o.ConfigFile != ""
	if err := gatherNginx(ctx, in, o, named, dopts); err != nil {
		return nil, err
	}
	if err := gatherHAProxy(in, o, named); err != nil {
		return nil, err
	}
	for _, p := range in.Proxies {
		in.checked.Proxies = append(in.checked.Proxies, p.Kind)
	}
	return in, nil
}

func gatherNginx(ctx context.Context, in *Inputs, o *Options, named bool, dopts discover.Options) error {
	bin := findBinary(o.NginxBinary, "nginx", "/usr/sbin/nginx")
	var cfg *nginxconf.Config
	var err error
	switch {
	case o.NginxConfig != "":
		if cfg, err = nginxconf.Load(o.NginxConfig); err != nil {
			return fmt.Errorf("--nginx.config: %w", err)
		}
	case named:
		return nil
	case bin != "":
		dctx, cancel := context.WithTimeout(ctx, 30*o.Timeout)
		cfg, err = nginxconf.Dump(dctx, bin, o.NginxArgs...)
		cancel()
		if err != nil {
			in.skip(diagnose.CheckConfig, fmt.Sprintf("nginx -T failed, reading the configuration files instead: %v", err))
			cfg = loadFirst(in, o.DefaultNginxPaths)
		}
	default:
		cfg = loadFirst(in, o.DefaultNginxPaths)
	}
	if cfg == nil {
		return nil
	}
	p := &Proxy{Kind: "nginx", File: cfg.File, Binary: bin, Args: o.NginxArgs, Nginx: cfg}
	in.Proxies = append(in.Proxies, p)
	in.checked.Configs = append(in.checked.Configs, cfg.Files...)
	ts, us := discover.Nginx(cfg, dopts)
	in.Targets = append(in.Targets, ts...)
	in.Unprobeable = append(in.Unprobeable, us...)
	in.Logs = append(in.Logs, nginxLogs(cfg)...)
	return nil
}

// loadFirst loads the first of paths that exists; nil when none does or
// it cannot be read (skipped, with the reason).
func loadFirst(in *Inputs, paths []string) *nginxconf.Config {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		cfg, err := nginxconf.Load(p)
		if err != nil {
			in.skip(diagnose.CheckConfig, fmt.Sprintf("cannot read %s: %v", p, err))
			return nil
		}
		return cfg
	}
	return nil
}

func gatherHAProxy(in *Inputs, o *Options, named bool) error {
	path := o.HAProxyConfig
	if path == "" && !named {
		for _, p := range o.DefaultHAProxyPaths {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		return nil
	}
	ts, us, err := discover.HAProxy(path)
	if err != nil {
		if o.HAProxyConfig != "" {
			return fmt.Errorf("--haproxy.config: %w", err)
		}
		in.skip(diagnose.CheckConfig, fmt.Sprintf("cannot read %s: %v", path, err))
		return nil
	}
	bin := findBinary(o.HAProxyBinary, "haproxy", "/usr/sbin/haproxy")
	in.Proxies = append(in.Proxies, &Proxy{Kind: "haproxy", File: path, Binary: bin})
	in.checked.Configs = append(in.checked.Configs, path)
	in.Targets = append(in.Targets, ts...)
	in.Unprobeable = append(in.Unprobeable, us...)
	return nil
}

// findBinary returns the given binary if it exists, else name on PATH, else fallback
// when it exists; "" when there is none.
func findBinary(given, name, fallback string) string {
	if given != "" {
		if p, err := exec.LookPath(given); err == nil {
			return p
		}
		return ""
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if fi, err := os.Stat(fallback); err == nil && fi.Mode()&0o111 != 0 {
		return fallback
	}
	return ""
}

func (in *Inputs) skip(check, reason string) {
	in.checked.Skipped = append(in.checked.Skipped, diagnose.Skipped{Check: check, Reason: reason})
}
