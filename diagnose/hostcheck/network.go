package hostcheck

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/internal/boundedcmd"
	"github.com/badgateway/badgateway_exporter/probe"
)

// NetworkOptions configure NetworkChecks; the zero value checks the live
// host.
type NetworkOptions struct {
	ProcRoot string // "/proc" when empty: uptime, to date kernel log lines
	SysRoot  string // "/sys" when empty: SELinux state
	// Listeners are the host's listeners (from Listeners): an OOM kill of
	// the process behind an upstream is tied to it.
	Listeners []Listener
	// Since is how far back the kernel log counts; 1h when zero.
	Since time.Duration
	// ProxyLog are lines of the proxies' error logs, oldest first, when
	// the caller has them: nginx's "worker_connections are not enough".
	ProxyLog []string
	// Run runs a command and returns its standard output; exec with
	// /usr/sbin and /sbin added to PATH when nil. Tests run the commands
	// in a network namespace with it.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
	// KernelLog returns the kernel log; /dev/kmsg read without blocking,
	// else `dmesg -r`, when nil.
	KernelLog func(ctx context.Context) ([]KernelLine, error)
	Now       time.Time // time.Now() when zero
}

// cmdTimeout bounds each command NetworkChecks runs.
const cmdTimeout = 15 * time.Second

// maxCmdOutput bounds what is kept of a command's output.
const maxCmdOutput = 16 << 20

// NetworkChecks looks at what between the proxy and its upstreams the host
// controls: firewall rules that drop or reject an upstream's port, no
// route to an upstream, SELinux forbidding the proxy to connect, recent OOM
// kills of an upstream's process, and nginx running out of
// worker_connections. A check that cannot run is returned as Skipped with
// the reason.
func NetworkChecks(ctx context.Context, targets []probe.Target, opts NetworkOptions) ([]diagnose.Finding, []diagnose.Skipped) {
	opts = opts.withDefaults()
	own := localAddrs()
	var ups []upstream
	seen := map[string]bool{}
	for _, t := range targets {
		if u, ok := parseUpstream(t); ok && !seen[u.label] {
			seen[u.label] = true
			ups = append(ups, u)
		}
	}
	var fs []diagnose.Finding
	var skipped []diagnose.Skipped
	add := func(f []diagnose.Finding, s []diagnose.Skipped) {
		fs = append(fs, f...)
		skipped = append(skipped, s...)
	}
	add(firewallFindings(ctx, ups, own, opts))
	add(routeFindings(ctx, ups, own), nil)
	add(selinuxFindings(ups, opts.SysRoot))
	add(oomFindings(ctx, ups, own, opts))
	add(workerConnectionFindings(opts.ProxyLog), nil)
	return fs, skipped
}

func (o NetworkOptions) withDefaults() NetworkOptions {
	if o.ProcRoot == "" {
		o.ProcRoot = "/proc"
	}
	if o.SysRoot == "" {
		o.SysRoot = "/sys"
	}
	if o.Since <= 0 {
		o.Since = time.Hour
	}
	if o.Run == nil {
		o.Run = runCommand
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.KernelLog == nil {
		o.KernelLog = func(ctx context.Context) ([]KernelLine, error) {
			return readKernelLog(ctx, o.ProcRoot, o.Now, o.Run)
		}
	}
	return o
}

// errNotInstalled says a command is not on this host.
var errNotInstalled = errors.New("not installed")

// runCommand runs name with args and returns its standard output (at most
// maxCmdOutput bytes); the error carries its standard error.
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := lookPath(name)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmdTimeout)
	defer cancel()
	stdout, stderr, err := boundedcmd.Run(ctx, maxCmdOutput, path, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(string(stderr[:min(len(stderr), 4096)])))
	}
	return stdout, nil
}

// lookPath finds name on PATH or in the sbin directories a non-login
// shell's PATH may lack.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		if p, err := exec.LookPath(dir + "/" + name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, errNotInstalled)
}

// sources are the addresses a connection to a leaves from: loopback for a
// local upstream, the host's own addresses otherwise.
func sources(a netip.Addr, own map[netip.Addr]bool) []netip.Addr {
	if isLocal(a, own) {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback(), a}
	}
	out := make([]netip.Addr, 0, len(own))
	for ip := range own {
		out = append(out, ip)
	}
	return out
}
