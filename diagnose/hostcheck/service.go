package hostcheck

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/probe"
)

// ServiceFindings answers "does anything listen there?" for each upstream
// on this host (loopback, the host's own addresses from net.Interfaces,
// unix sockets) from the listeners ls (see Listeners). Nothing listening
// is a critical finding, connection_refused (socket_not_found when a unix
// socket's file is missing), naming a plausible application that listens
// on another port when there is one. Upstreams elsewhere and host names
// other than localhost get no finding from this check.
func ServiceFindings(ls []Listener, targets []probe.Target) []diagnose.Finding {
	return serviceFindingsRefused(ls, targets, localAddrs(), nil)
}

// ServiceFindingsAfterProbe is ServiceFindings told which addresses a
// probe found refused: an IPv6 wildcard listener ([::]) is not taken to
// accept IPv4 connections to such an address (an IPV6_V6ONLY socket does
// not).
func ServiceFindingsAfterProbe(ls []Listener, targets []probe.Target, refused []netip.AddrPort) []diagnose.Finding {
	return serviceFindingsRefused(ls, targets, localAddrs(), refused)
}

func serviceFindings(ls []Listener, targets []probe.Target, own map[netip.Addr]bool) []diagnose.Finding {
	return serviceFindingsRefused(ls, targets, own, nil)
}

func serviceFindingsRefused(ls []Listener, targets []probe.Target, own map[netip.Addr]bool, refused []netip.AddrPort) []diagnose.Finding {
	var out []diagnose.Finding
	seen := map[string]bool{}
	var ups []upstream
	for _, t := range targets {
		if u, ok := parseUpstream(t); ok {
			ups = append(ups, u)
		}
	}
	for _, u := range ups {
		if seen[u.label] {
			continue
		}
		seen[u.label] = true
		var f diagnose.Finding
		var ok bool
		if u.unix != "" {
			f, ok = unixFinding(u, ls)
		} else {
			f, ok = tcpFinding(u, ls, ups, own, refused)
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

// tcpFinding is the finding of a TCP upstream of this host where nothing
// listens; ok is false when something does or the upstream is elsewhere.
func tcpFinding(u upstream, ls []Listener, ups []upstream, own map[netip.Addr]bool, refused []netip.AddrPort) (diagnose.Finding, bool) {
	for _, a := range u.addrs {
		if !isLocal(a.Addr(), own) {
			return diagnose.Finding{}, false
		}
		for _, l := range ls {
			if covers(l, a) && !v6OnlyRefused(l, a, refused) {
				return diagnose.Finding{}, false
			}
		}
	}
	addr := u.addrs[0]
	where, dir := at(u.target), directive(u.target)
	f := newFinding(diagnose.CheckService, cause.ConnectionRefused, u.label)
	f.Summary = fmt.Sprintf("nothing listens on %s", addr)
	f.Evidence = []string{fmt.Sprintf("no listening socket on %s in /proc/net/tcp and /proc/net/tcp6", joinAddrs(u.addrs))}
	f.Fix = fmt.Sprintf("start the application so that it listens on %s (`systemctl status <app>`; `journalctl -u <app> -n 50` tells why it stopped), or change %s%s to where it listens (`ss -tlnp` lists what listens where)", addr, dir, where)
	cands := candidateApps(addr, ls, ups)
	switch {
	case len(cands) == 1:
		alt := cands[0]
		f.Summary += fmt.Sprintf("; %s listens on %s — %s%s", alt.Owner(), alt.Addr, dir, where)
		f.Evidence = append(f.Evidence, "listening instead: "+alt.Describe())
		use := netip.AddrPortFrom(addr.Addr(), alt.Addr.Port())
		if !covers(alt, use) {
			use = alt.Addr
		}
		f.Fix = fmt.Sprintf("change %s%s to %s (where %s listens), or make the application listen on %s",
			dir, where, use, alt.Owner(), addr)
	case len(cands) > 1:
		shown := cands[:min(len(cands), maxCandidates)]
		var names, pids []string
		for _, c := range shown {
			names = append(names, fmt.Sprintf("%s (%s)", c.Addr, strings.TrimPrefix(fmt.Sprintf("%s, pid %d", c.Command, c.PID), ", ")))
			pids = append(pids, strconv.Itoa(c.PID))
			f.Evidence = append(f.Evidence, "listening instead: "+c.Describe())
		}
		more := ""
		if len(cands) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(cands)-len(shown))
		}
		f.Summary += fmt.Sprintf(" — %s%s; other applications listen on %s%s", dir, where, strings.Join(names, ", "), more)
		f.Fix = fmt.Sprintf("start the application so that it listens on %s, or change %s%s to where it listens: one of %s%s (`ps -o pid,user,args -p %s` tells which is the app)",
			addr, dir, where, strings.Join(names, ", "), more, strings.Join(pids, ","))
	case u.target.Where != "":
		f.Summary += fmt.Sprintf(" — %s%s", dir, where)
	}
	return f, true
}

// unixFinding is the finding of a unix socket upstream where nothing
// listens.
func unixFinding(u upstream, ls []Listener) (diagnose.Finding, bool) {
	for _, l := range ls {
		if l.Network == "unix" && l.Path == u.unix {
			return diagnose.Finding{}, false
		}
	}
	where, dir := at(u.target), directive(u.target)
	shown := printable([]byte(u.unix))
	_, err := os.Lstat(u.unix)
	if !strings.HasPrefix(u.unix, "@") && errors.Is(err, fs.ErrNotExist) {
		f := newFinding(diagnose.CheckService, cause.SocketNotFound, u.label)
		f.Summary = fmt.Sprintf("socket %s does not exist — %s%s", shown, dir, where)
		f.Evidence = []string{fmt.Sprintf("stat %s: no such file; no listening socket with that path in /proc/net/unix", shown)}
		f.Fix = fmt.Sprintf("start the application that creates %s (php-fpm, gunicorn, puma …) and align its listen path with %s%s; check systemd PrivateTmp", shown, dir, where)
		return f, true
	}
	f := newFinding(diagnose.CheckService, cause.ConnectionRefused, u.label)
	f.Summary = fmt.Sprintf("nothing listens on socket %s — %s%s", shown, dir, where)
	f.Evidence = []string{fmt.Sprintf("no listening socket with path %s in /proc/net/unix (a stale socket file)", shown)}
	f.Fix = fmt.Sprintf("restart the application that listens on %s (the file is left from a process that exited)", shown)
	return f, true
}

// newFinding is a critical, failing finding of check with cause c.
func newFinding(check string, c cause.Cause, label string) diagnose.Finding {
	return diagnose.Finding{Severity: diagnose.Critical, Check: check, Cause: c.String(), Upstream: label,
		Runbook: diagnose.RunbookFor(c.String()), Failing: true}
}

func joinAddrs(as []netip.AddrPort) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, " or ")
}

func abs(n int) int { return max(n, -n) }

// v6OnlyRefused reports whether listener l is an IPv6 wildcard that covers
// the IPv4 address a only by assuming a dual-stack socket, while a probe
// of a was refused: the socket is IPV6_V6ONLY.
func v6OnlyRefused(l Listener, a netip.AddrPort, refused []netip.AddrPort) bool {
	la := l.Addr.Addr()
	if !la.Is6() || la.Is4In6() || !la.IsUnspecified() || !a.Addr().Unmap().Is4() {
		return false
	}
	for _, r := range refused {
		if r.Addr().Unmap() == a.Addr().Unmap() && r.Port() == a.Port() {
			return true
		}
	}
	return false
}
