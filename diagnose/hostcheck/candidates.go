package hostcheck

import (
	"cmp"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
)

// notAnApp are command names (comm, at most 15 bytes) that listen on a
// host but are never the application a proxy forwards to: the proxies
// themselves, the exporter, monitoring, and system daemons and databases.
var notAnApp = map[string]bool{
	"nginx": true, "haproxy": true, "apache2": true, "httpd": true, "caddy": true, "traefik": true, "envoy": true,
	"badgateway_expo": true, "sshd": true, "systemd": true, "systemd-resolve": true, "init": true,
	"dnsmasq": true, "named": true, "unbound": true, "chronyd": true, "ntpd": true, "cupsd": true,
	"rpcbind": true, "master": true, "exim4": true, "sendmail": true, "dockerd": true, "containerd": true,
	"containerd-shim": true, "docker-proxy": true, "kubelet": true, "rsyslogd": true, "avahi-daemon": true, "smbd": true, "nmbd": true,
	"snmpd": true, "postgres": true, "mysqld": true, "mariadbd": true, "redis-server": true, "memcached": true,
	"mongod": true, "prometheus": true, "node_exporter": true, "alertmanager": true, "pushgateway": true,
	"grafana": true, "grafana-server": true, "loki": true, "promtail": true, "etcd": true, "consul": true,
}

// isInfrastructure reports whether a listener's process is the proxy, the
// exporter, monitoring or a system daemon: never the lost application. A
// *_exporter (comm is cut at 15 bytes: "blackbox_export") counts too, and
// so does this process.
func isInfrastructure(l Listener) bool {
	c := l.Command
	return notAnApp[c] || l.PID == os.Getpid() || strings.HasSuffix(c, "_exporter") ||
		len(c) == 15 && strings.Contains(c, "_expo")
}

// maxCandidates is how many other listeners a finding names when it cannot
// tell which one is the application.
const maxCandidates = 3

// candidateApps returns the listeners that may be the application meant to
// listen at addr, the most plausible first. What counts as evidence: a
// known process (pid and name read), that is not the proxy, the exporter,
// monitoring or a system daemon, that serves no other upstream (it is
// someone's backend already), on an unprivileged port, and reachable by
// the proxy at addr's IP (the same address or a wildcard) or on loopback.
// The order — reachable at addr's IP first, then the nearest port — only
// ranks them for display: with more than one, the finding lists them
// rather than pick one. A process is listed once, at its most plausible
// address.
func candidateApps(addr netip.AddrPort, ls []Listener, ups []upstream) []Listener {
	var cands []Listener
	for _, l := range ls {
		if l.Network == "unix" || l.PID == 0 || l.Addr.Port() < 1024 || isInfrastructure(l) || isUpstream(l, ups) {
			continue
		}
		if !reachableAt(l, addr.Addr()) && !l.Addr.Addr().IsLoopback() {
			continue
		}
		cands = append(cands, l)
	}
	reach := func(l Listener) int {
		if reachableAt(l, addr.Addr()) {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(cands, func(a, b Listener) int {
		return cmp.Or(cmp.Compare(reach(a), reach(b)),
			cmp.Compare(abs(int(a.Addr.Port())-int(addr.Port())), abs(int(b.Addr.Port())-int(addr.Port()))),
			cmp.Compare(a.Addr.Port(), b.Addr.Port()), strings.Compare(a.Network, b.Network))
	})
	// One entry per process: its most plausible address.
	out := cands[:0]
	for _, c := range cands {
		if !slices.ContainsFunc(out, func(o Listener) bool { return o.PID == c.PID }) {
			out = append(out, c)
		}
	}
	return out
}

// reachableAt reports whether l accepts connections to ip at its port.
func reachableAt(l Listener, ip netip.Addr) bool {
	return covers(l, netip.AddrPortFrom(ip, l.Addr.Port()))
}

// isUpstream reports whether l serves one of the upstreams: it is someone's
// backend already, not a candidate for a lost one.
func isUpstream(l Listener, ups []upstream) bool {
	for _, u := range ups {
		for _, a := range u.addrs {
			if covers(l, a) {
				return true
			}
		}
	}
	return false
}

// Describe is the listener as evidence, the fields of its /proc/net line
// made readable: "127.0.0.1:3000 LISTEN node pid 812 (uid 1000, inode
// 1194645)".
func (l Listener) Describe() string {
	var b strings.Builder
	b.WriteString(l.String())
	b.WriteString(" LISTEN ")
	switch {
	case l.PID > 0 && l.Command != "":
		fmt.Fprintf(&b, "%s pid %d", l.Command, l.PID)
	case l.PID > 0:
		fmt.Fprintf(&b, "pid %d", l.PID)
	default:
		b.WriteString("pid unknown")
	}
	var attrs []string
	if l.UID >= 0 {
		attrs = append(attrs, "uid "+strconv.Itoa(l.UID))
	}
	if l.Network == "unix" && l.FileUID >= 0 {
		attrs = append(attrs, fmt.Sprintf("file %s uid %d gid %d", l.FileMode.Perm(), l.FileUID, l.FileGID))
	}
	if l.Inode != 0 {
		attrs = append(attrs, "inode "+strconv.FormatUint(l.Inode, 10))
	}
	if len(attrs) > 0 {
		b.WriteString(" (" + strings.Join(attrs, ", ") + ")")
	}
	return b.String()
}
