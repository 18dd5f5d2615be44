// Package probe actively checks upstreams (the servers behind nginx and
// HAProxy) and labels each failure with the same cause as the log
// classifier would: a refused connect is connection_refused in both.
//
// One function type, ProbeFunc, is implemented once per module: tcp
// (connect), http (GET a path, check the status), tls (handshake, verify,
// certificate expiry) and dns (resolve). The Scheduler runs them on an
// interval with jitter and a concurrency limit, keeps the latest result of
// each upstream and exports them as Prometheus metrics; a scrape reads those
// results and never starts a probe. Probes only ever go to the targets given
// to SetTargets: nothing in a request can name one.
package probe

import (
	"context"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// Module names what a probe does.
type Module string

// The modules.
const (
	ModuleTCP  Module = "tcp"  // connect, then close
	ModuleHTTP Module = "http" // GET a path over HTTP/1.1, or HTTPS when Target.TLS is set
	ModuleTLS  Module = "tls"  // connect and complete a TLS handshake
	ModuleDNS  Module = "dns"  // resolve the name
)

// ProbeFunc probes one target once and fills r. The Scheduler has already
// set r.Upstream and r.Address, and t.Dial to the address to connect to.
// ctx carries the probe's deadline.
type ProbeFunc func(ctx context.Context, t Target, r *Result)

// Target is one thing to probe, from the configuration or from discovery.
type Target struct {
	// Address is what the configuration names: "host:port", "[v6]:port"
	// or "unix:/path" ("unix:@name" for an abstract socket). A host name is
	// resolved before each probe and every address is probed (see
	// Upstream). For the dns module it is a name, with or without a port.
	Address string
	Module  Module
	// Upstream, when set, is the label of every result (HAProxy's
	// backend/server) and only the first resolved address is probed, as
	// HAProxy uses one address per server. When empty, each resolved
	// address is its own upstream labelled "IP:port", which is what nginx
	// logs for a peer.
	Upstream string
	Group    string // nginx upstream block or HAProxy backend; "" for a bare address
	Proxy    string // "nginx", "haproxy" or "" (static)
	HTTP     HTTPOptions
	TLS      *TLSOptions // nil: no TLS; with ModuleHTTP it means HTTPS
	Where    string      // where it was configured, "file:line"
	Params   []string    // configured server parameters, for the status page

	// Dial is the resolved address to connect to, set by the Scheduler
	// ("IP:port" or "unix:/path"). When empty, Address is dialled.
	Dial string
}

// HTTPOptions configure the http module.
type HTTPOptions struct {
	Method string        // default GET
	Path   string        // default "/"; "*" sends an asterisk-form request
	Host   string        // Host header; default the host (and port) of Address
	Expect []StatusRange // default 200-399
	// FollowRedirects follows up to 5 redirects, only to the same host: the
	// probe never connects anywhere but the target.
	FollowRedirects bool
}

// StatusRange is an inclusive range of HTTP status codes.
type StatusRange struct{ Lo, Hi int }

// TLSOptions configure TLS for the tls module and HTTPS.
type TLSOptions struct {
	ServerName string // SNI; "" sends none
	// VerifyName is the name the certificate must carry; "" checks the
	// chain only. Ignored with InsecureSkipVerify.
	VerifyName         string
	InsecureSkipVerify bool
	CAFile             string // PEM roots; "" uses the system's
}

// Phase is a step of a probe; its duration is exported.
type Phase int

// The phases, in order.
const (
	PhaseResolve Phase = iota
	PhaseConnect
	PhaseTLS
	PhaseProcessing // request written … first response byte
	PhaseTransfer   // first byte … body read
	NumPhases
)

var phaseNames = [NumPhases]string{"resolve", "connect", "tls", "processing", "transfer"}

func (p Phase) String() string {
	if p < 0 || p >= NumPhases {
		return "unknown"
	}
	return phaseNames[p]
}

// Result is the outcome of one probe of one address.
type Result struct {
	Upstream     string      // the label: "IP:port", "unix:/path" or "backend/server"
	Address      string      // what was dialled, or the name resolved
	Success      bool        // the probe passed
	Cause        cause.Cause // why it failed; cause.None on success
	Err          string      // the error, for the status page and logs
	Phases       [NumPhases]time.Duration
	StatusCode   int       // HTTP status, 0 when none
	CertNotAfter time.Time // end of validity of the peer's leaf certificate
	Addresses    []string  // dns module: the addresses returned
	Start        time.Time
	Duration     time.Duration
}

// fail records a failure; the first one wins.
func (r *Result) fail(c cause.Cause, err error) {
	if r.Cause != cause.None || r.Err != "" {
		return
	}
	r.Success = false
	r.Cause = c
	if err != nil {
		r.Err = err.Error()
	}
}

// Unprobeable is a configured upstream that cannot be probed, with why.
type Unprobeable struct {
	Where  string // "file:line"
	What   string // the directive or server line
	Reason string
}

// ProbeFuncs returns the module implementations; res resolves names for the
// dns module.
func ProbeFuncs(res *net.Resolver) map[Module]ProbeFunc {
	return map[Module]ProbeFunc{
		ModuleTCP:  ProbeTCP,
		ModuleHTTP: ProbeHTTP,
		ModuleTLS:  ProbeTLS,
		ModuleDNS:  DNSProber(res),
	}
}

// splitAddress splits "host:port" or "unix:/path". network is "tcp" or
// "unix"; for unix, host is the path.
func splitAddress(addr string) (network, host, port string, err error) {
	if p, ok := strings.CutPrefix(addr, "unix:"); ok {
		return "unix", p, "", nil
	}
	host, port, err = net.SplitHostPort(addr)
	if err != nil {
		return "", "", "", err
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", "", "", &net.AddrError{Err: "invalid port", Addr: addr}
	}
	return "tcp", host, port, nil
}

// dialAddress is the address a probe connects to.
func (t Target) dialAddress() string {
	if t.Dial != "" {
		return t.Dial
	}
	return t.Address
}
