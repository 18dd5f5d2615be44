package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults of the probes section.
const (
	DefaultProbeInterval     = 15 * time.Second
	DefaultProbeTimeout      = 5 * time.Second
	DefaultProbeConcurrency  = 32
	DefaultDiscoveryInterval = time.Minute
	maxProbeConcurrency      = 10000
)

// ProbesConfig configures active upstream probes: static targets and
// targets discovered from nginx, HAProxy and Apache httpd configurations.
type ProbesConfig struct {
	Interval    time.Duration  `yaml:"interval"`    // between two probes of a target
	Timeout     time.Duration  `yaml:"timeout"`     // of one probe; shorter than interval
	Concurrency int            `yaml:"concurrency"` // targets probed at once
	DNSServer   string         `yaml:"dns_server"`  // host:port of the resolver for target names; "" for the system's
	Targets     []ProbeTarget  `yaml:"targets"`
	Discover    DiscoverConfig `yaml:"discover"`
}

// ProbeTarget is one statically configured upstream.
type ProbeTarget struct {
	Upstream string      `yaml:"upstream"` // host:port, [v6]:port or unix:/path; a name for module dns
	Module   ProbeModule `yaml:"module"`   // default http with an http block, tls with a tls block, else tcp
	Group    string      `yaml:"group"`    // the group label
	HTTP     *HTTPProbe  `yaml:"http"`
	TLS      *TLSProbe   `yaml:"tls"` // with module http: HTTPS
}

// HTTPProbe configures the http module.
type HTTPProbe struct {
	Path            string        `yaml:"path"`   // default /
	Method          string        `yaml:"method"` // default GET
	Host            string        `yaml:"host"`   // Host header
	ExpectStatus    []StatusMatch `yaml:"expect_status"`
	FollowRedirects bool          `yaml:"follow_redirects"` // same host only
}

// TLSProbe configures TLS for the tls and http modules.
type TLSProbe struct {
	ServerName         string `yaml:"server_name"` // SNI and the name to verify; default the host of upstream
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
	CAFile             string `yaml:"ca_file"`
}

// DiscoverConfig finds targets in proxy configurations.
type DiscoverConfig struct {
	NginxConfig   string        `yaml:"nginx_config"`   // nginx.conf, read with its includes
	NginxBinary   string        `yaml:"nginx_binary"`   // or the output of `nginx -T`
	NginxArgs     []string      `yaml:"nginx_args"`     // extra arguments to nginx -T, e.g. [-c, /etc/nginx/nginx.conf]
	HAProxyConfig string        `yaml:"haproxy_config"` // haproxy.cfg, or a directory of *.cfg
	ApacheConfig  string        `yaml:"apache_config"`  // httpd.conf / apache2.conf, read with its includes
	ApacheBinary  string        `yaml:"apache_binary"`  // or the main file `apachectl -t -D DUMP_INCLUDES` names
	ApacheArgs    []string      `yaml:"apache_args"`    // extra arguments to it, e.g. [-f, /etc/httpd/conf/httpd.conf]
	Interval      time.Duration `yaml:"interval"`       // re-discovery; also on reload
	HTTP          *DiscoverHTTP `yaml:"http"`           // how nginx HTTP peers are probed
}

// DiscoverHTTP says how discovered nginx HTTP peers are probed. The Host
// header is the one nginx sends ($proxy_host, or a literal proxy_set_header
// Host); HAProxy servers are probed as HAProxy checks them.
type DiscoverHTTP struct {
	Path         string        `yaml:"path"`          // default /
	ExpectStatus []StatusMatch `yaml:"expect_status"` // default 200-499: only a 5xx is the upstream's failure
}

func (h *DiscoverHTTP) validate() (string, error) {
	if h.Path != "" && !strings.HasPrefix(h.Path, "/") {
		return "path", fmt.Errorf("must start with /, got %q", h.Path)
	}
	return "", nil
}

// ProbeModule names a probe module.
type ProbeModule string

var knownModules = []ProbeModule{"tcp", "http", "tls", "dns"}

// UnmarshalYAML accepts only known module names.
func (m *ProbeModule) UnmarshalYAML(node *yaml.Node) error {
	var s string
	if err := node.Decode(&s); err != nil {
		return err
	}
	for _, k := range knownModules {
		if ProbeModule(s) == k {
			*m = k
			return nil
		}
	}
	return fmt.Errorf("unknown module %q (known: %v)", s, knownModules)
}

// StatusMatch is an HTTP status, a class ("2xx") or a range ("200-299").
type StatusMatch struct{ Lo, Hi int }

// UnmarshalYAML reads 200, "2xx" or "200-299".
func (s *StatusMatch) UnmarshalYAML(node *yaml.Node) error {
	v := node.Value
	var err error
	switch lo, hi, isRange := strings.Cut(v, "-"); {
	case isRange:
		s.Lo, err = strconv.Atoi(lo)
		if err == nil {
			s.Hi, err = strconv.Atoi(hi)
		}
	case len(v) == 3 && strings.HasSuffix(v, "xx") && v[0] >= '1' && v[0] <= '5':
		s.Lo = int(v[0]-'0') * 100
		s.Hi = s.Lo + 99
	default:
		s.Lo, err = strconv.Atoi(v)
		s.Hi = s.Lo
	}
	if err != nil || s.Lo < 100 || s.Hi > 599 || s.Lo > s.Hi {
		return fmt.Errorf("bad status %q: give a code (200), a class (2xx) or a range (200-299) within 100-599", v)
	}
	return nil
}

// timeoutUnset marks a timeout the file does not give: validate sets it.
const timeoutUnset = -1

// SetDefaults fills the defaults of the probes section.
func (p *ProbesConfig) SetDefaults() {
	p.Interval = DefaultProbeInterval
	p.Timeout = timeoutUnset
	p.Concurrency = DefaultProbeConcurrency
}

// SetDefaults fills the defaults of the discover section.
func (d *DiscoverConfig) SetDefaults() { d.Interval = DefaultDiscoveryInterval }

// Enabled reports whether anything is to be probed.
func (p *ProbesConfig) Enabled() bool {
	d := p.Discover
	return len(p.Targets) > 0 || d.NginxConfig != "" || d.NginxBinary != "" || d.HAProxyConfig != "" || d.ApacheConfig != "" || d.ApacheBinary != ""
}

func (p *ProbesConfig) validate() (string, error) {
	if p.Timeout == timeoutUnset { // 5s, or half the interval when that is shorter
		p.Timeout = min(DefaultProbeTimeout, p.Interval/2)
	}
	switch {
	case p.Interval < time.Second:
		return "interval", fmt.Errorf("must be at least 1s (give a unit, e.g. 15s), got %v", p.Interval)
	case p.Timeout <= 0:
		return "timeout", fmt.Errorf("must be positive (give a unit, e.g. 5s), got %v", p.Timeout)
	case p.Timeout >= p.Interval:
		return "timeout", fmt.Errorf("must be shorter than the interval (%v), got %v", p.Interval, p.Timeout)
	case p.Concurrency < 1 || p.Concurrency > maxProbeConcurrency:
		return "concurrency", fmt.Errorf("must be between 1 and %d, got %d", maxProbeConcurrency, p.Concurrency)
	}
	if p.DNSServer != "" {
		if _, port, err := net.SplitHostPort(p.DNSServer); err != nil || port == "" {
			return "dns_server", fmt.Errorf("must be host:port, got %q", p.DNSServer)
		}
	}
	seen := map[string]int{}
	for i, t := range p.Targets {
		k := string(t.Module) + " " + t.Upstream + " " + t.Group
		if j, dup := seen[k]; dup {
			return "targets", fmt.Errorf("targets[%d] and targets[%d] both probe %s with module %s", j, i, t.Upstream, t.Module)
		}
		seen[k] = i
	}
	return "", nil
}

func (t *ProbeTarget) validate() (string, error) {
	if t.Module == "" {
		switch {
		case t.HTTP != nil:
			t.Module = "http"
		case t.TLS != nil:
			t.Module = "tls"
		default:
			t.Module = "tcp"
		}
	}
	if err := checkUpstream(t.Upstream, t.Module); err != nil {
		return "upstream", err
	}
	if t.HTTP != nil && t.Module != "http" {
		return "http", fmt.Errorf("only for module http, not %s", t.Module)
	}
	if t.TLS != nil && t.Module != "http" && t.Module != "tls" {
		return "tls", fmt.Errorf("only for modules http and tls, not %s", t.Module)
	}
	return "", nil
}

// checkUpstream checks an address: host:port, [v6]:port or unix:/path; for
// module dns, a name with or without a port.
func checkUpstream(addr string, module ProbeModule) error {
	switch {
	case addr == "":
		return errors.New("missing: give host:port, [v6]:port or unix:/path")
	case strings.HasPrefix(addr, "unix:"):
		if module == "dns" || len(addr) == len("unix:") {
			return fmt.Errorf("bad address %q: a unix socket needs a path and a tcp, http or tls module", addr)
		}
		return nil
	case module == "dns" && !strings.Contains(addr, ":"):
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad address %q: %w", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
		return fmt.Errorf("bad address %q: give host:port with a port from 1 to 65535", addr)
	}
	return nil
}

func (h *HTTPProbe) validate() (string, error) {
	if h.Path != "" && h.Path != "*" && !strings.HasPrefix(h.Path, "/") {
		return "path", fmt.Errorf("must start with / (or be *), got %q", h.Path)
	}
	if strings.ContainsAny(h.Method, " \t\r\n/:") {
		return "method", fmt.Errorf("bad method %q", h.Method)
	}
	if strings.ContainsAny(h.Host, " \t\r\n/") {
		return "host", fmt.Errorf("bad host %q: give a host name, with a port if needed", h.Host)
	}
	return "", nil
}

func (d *DiscoverConfig) validate() (string, error) {
	switch {
	case d.NginxConfig != "" && d.NginxBinary != "":
		return "nginx_binary", errors.New("give nginx_config or nginx_binary, not both")
	case len(d.NginxArgs) > 0 && d.NginxBinary == "":
		return "nginx_args", errors.New("only with nginx_binary")
	case d.ApacheConfig != "" && d.ApacheBinary != "":
		return "apache_binary", errors.New("give apache_config or apache_binary, not both")
	case len(d.ApacheArgs) > 0 && d.ApacheBinary == "":
		return "apache_args", errors.New("only with apache_binary")
	case d.Interval < time.Second:
		return "interval", fmt.Errorf("must be at least 1s (give a unit, e.g. 1m), got %v", d.Interval)
	}
	return "", nil
}
