package hostcheck

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// OOMKill is a process the kernel's OOM killer ended.
type OOMKill struct {
	PID     int
	Command string
	Time    time.Time
	Line    string
}

// oomKilled matches "Out of memory: Killed process 812 (node) total-vm…",
// "Memory cgroup out of memory: Killed process 812 (node) …" and older
// kernels' "Out of memory: Kill process 812 (node) score …".
var oomKilled = regexp.MustCompile(`Kill(?:ed)? process (\d+) \((.{0,64}?)\)`)

// ParseOOMKill reads an OOM kill from a kernel log line.
func ParseOOMKill(l KernelLine) (OOMKill, bool) {
	m := oomKilled.FindStringSubmatch(l.Text)
	if m == nil {
		return OOMKill{}, false
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil {
		return OOMKill{}, false
	}
	return OOMKill{PID: pid, Command: m[2], Time: l.Time, Line: l.Text}, true
}

// oomFindings reports OOM kills of the last opts.Since. A kill is tied to
// an upstream of this host when a process of the same command listens
// there now (it was restarted) or when nothing listens there and the
// killed process was an application: critical then, a warning otherwise.
func oomFindings(ctx context.Context, ups []upstream, own map[netip.Addr]bool, opts NetworkOptions) ([]diagnose.Finding, []diagnose.Skipped) {
	lines, err := opts.KernelLog(ctx)
	if err != nil && len(lines) == 0 {
		return nil, []diagnose.Skipped{skip("OOM kills: cannot read the kernel log: %v", err)}
	}
	var fs []diagnose.Finding
	for _, l := range lines {
		k, ok := ParseOOMKill(l)
		if !ok || (!k.Time.IsZero() && k.Time.Before(opts.Now.Add(-opts.Since))) {
			continue
		}
		tied := false
		for _, strong := range []bool{true, false} { // a restarted process's upstream, else any that is down
			for _, u := range ups {
				if why, ok := oomTie(k, u, opts.Listeners, own, strong); ok {
					fs = append(fs, oomFinding(k, u.label, why))
					tied = true
				}
			}
			if tied {
				break
			}
		}
		if !tied && !notAnApp[k.Command] {
			f := oomFinding(k, "", "")
			f.Severity, f.Failing = diagnose.Warning, false
			fs = append(fs, f)
		}
	}
	return fs, nil
}

// oomTie says why kill k concerns upstream u, if it does: strongly when a
// process of the same command listens there now (restarted), weakly when
// nothing listens there and the process was an application.
func oomTie(k OOMKill, u upstream, ls []Listener, own map[netip.Addr]bool, strong bool) (string, bool) {
	if u.unix != "" || len(u.addrs) == 0 || !isLocal(u.addrs[0].Addr(), own) {
		return "", false
	}
	listening := false
	for _, l := range ls {
		for _, a := range u.addrs {
			if !covers(l, a) {
				continue
			}
			listening = true
			if strong && l.Command == k.Command && l.Command != "" {
				return fmt.Sprintf("%s listens on %s again now", l.Owner(), l.Addr), true
			}
		}
	}
	if !strong && !listening && !notAnApp[k.Command] {
		return fmt.Sprintf("nothing listens on %s now", u.addrs[0]), true
	}
	return "", false
}

func oomFinding(k OOMKill, label, why string) diagnose.Finding {
	f := newFinding(diagnose.CheckNetwork, cause.PrematureClose, label)
	f.Seen = k.Time
	when := ""
	if !k.Time.IsZero() {
		when = " at " + k.Time.UTC().Format(time.RFC3339)
	}
	f.Summary = fmt.Sprintf("the kernel's OOM killer killed %s (pid %d)%s", k.Command, k.PID, when)
	if why != "" {
		f.Summary += "; " + why
	}
	f.Evidence = []string{"kernel log: " + k.Line}
	f.Fix = fmt.Sprintf("give %s more memory or find what it leaks (systemd MemoryMax=, the container's memory limit), and check `journalctl -k | grep -i oom` for repeats", k.Command)
	return f
}
