package hostcheck

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// iptablesTables are the tables iptables-nft keeps in nftables: nft shows
// their rules too, which iptables-save already reported.
var iptablesTables = map[string]bool{"filter": true, "raw": true, "mangle": true, "security": true, "nat": true}

// firewallFindings reads the rule sets (iptables-save, ip6tables-save,
// nft -j list ruleset) and reports every DROP or REJECT rule that stops a
// TCP upstream.
func firewallFindings(ctx context.Context, ups []upstream, own map[netip.Addr]bool, opts NetworkOptions) ([]diagnose.Finding, []diagnose.Skipped) {
	var rules []FirewallRule
	var skipped []diagnose.Skipped
	read := map[string]bool{}       // families iptables-save read
	loAccept := map[string]string{} // tool → its filter rule accepting all of lo
	missing := 0
	for _, tool := range []struct{ name, cmd, family string }{
		{"iptables", "iptables-save", "ip"},
		{"ip6tables", "ip6tables-save", "ip6"},
	} {
		out, err := opts.Run(ctx, tool.cmd)
		if err != nil {
			if errors.Is(err, errNotInstalled) {
				missing++
			} else {
				skipped = append(skipped, skip("firewall rules: cannot read %s: %v", tool.cmd, err))
			}
			continue
		}
		read[tool.family] = true
		rules = append(rules, ParseIPTablesSave(string(out), tool.name)...)
		if l := loopbackAccept(string(out)); l != "" {
			loAccept[tool.name] = l
		}
	}
	out, err := opts.Run(ctx, "nft", "-j", "list", "ruleset")
	switch {
	case errors.Is(err, errNotInstalled):
		missing++
	case err != nil:
		skipped = append(skipped, skip("firewall rules: cannot read nft -j list ruleset: %v", err))
	default:
		nft, err := ParseNftJSON(out)
		if err != nil {
			skipped = append(skipped, skip("firewall rules: %v", err))
		}
		for _, r := range nft {
			if !(read[r.Family] && iptablesTables[r.Table]) {
				rules = append(rules, r)
			}
		}
	}
	if missing == 3 {
		skipped = append(skipped, skip("firewall rules: neither iptables-save nor nft is installed"))
	}
	var fs []diagnose.Finding
	for _, u := range ups {
		for _, a := range u.addrs {
			from := sources(a.Addr(), own)
			local := isLocal(a.Addr(), own)
			for _, r := range rules {
				if r.Blocks(a.Addr(), a.Port(), from, local) {
					f := firewallFinding(u, a, r)
					if lo := loAccept[r.Tool]; lo != "" && local && r.Table == "filter" {
						f.Evidence = append(f.Evidence, fmt.Sprintf("%s filter: %s accepts everything on lo: a connection over loopback may never reach the rule", r.Tool, lo))
					}
					fs = append(fs, f)
				}
			}
		}
	}
	return fs, skipped
}

// firewallFinding is the finding of rule r stopping connections to a.
func firewallFinding(u upstream, a netip.AddrPort, r FirewallRule) diagnose.Finding {
	c := r.CauseFor(a.Addr())
	f := newFinding(diagnose.CheckNetwork, c, u.label)
	verb := "drops"
	if r.Verdict == "reject" {
		verb = "rejects"
	}
	f.Summary = fmt.Sprintf(firewallPrefix+"%s %s TCP to %s (%s%s)", r.Where(), verb, a, directive(u.target), at(u.target))
	f.Evidence = []string{r.Where() + ": " + r.Text}
	f.Fix = fmt.Sprintf("delete the rule: %s (and from the saved rule set that restores it at boot)", r.DeleteCommand())
	if r.Conditional {
		f.Severity, f.Failing = diagnose.Warning, false
		f.Evidence = append(f.Evidence, "the rule has matches this check does not evaluate (rate limit, mark, owner …): it may hit only some connections")
	}
	return f
}

func skip(format string, args ...any) diagnose.Skipped {
	return diagnose.Skipped{Check: diagnose.CheckNetwork, Reason: fmt.Sprintf(format, args...)}
}

// loopbackAccept is the rule of an iptables-save text's filter table that
// accepts every packet on lo ("-A INPUT -i lo -j ACCEPT", ufw's
// "-A ufw-before-input -i lo -j ACCEPT"); "" when there is none.
func loopbackAccept(save string) string {
	filter := false
	for line := range strings.Lines(save) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "*"):
			filter = line == "*filter"
		case filter && strings.HasPrefix(line, "-A "):
			w := strings.Fields(line)
			if len(w) == 6 && w[2] == "-i" && w[3] == "lo" && w[4] == "-j" && w[5] == "ACCEPT" {
				return line
			}
		}
	}
	return ""
}

// firewallPrefix begins the summary of every firewall finding.
const firewallPrefix = "firewall "

// passedThrough is the evidence of a firewall finding whose upstream the
// probe reached, or failed to reach otherwise than the rule would.
const passedThrough = "a rule names this port, but connections get through: an earlier ACCEPT (e.g. -i lo) lets them"

// SettleFirewall ties the firewall findings to the probes: a rule that
// would drop or reject an upstream's connections explains failures only
// when the probe of that upstream failed the way the rule makes it fail
// (timed out for a DROP; refused or unreachable for a REJECT: the same
// cause). The rule sets are not evaluated in order (ACCEPT rules before it,
// ufw's chains), so any other firewall finding is a warning that does not
// fail. fs holds every finding of the report, connectivity ones included.
func SettleFirewall(fs []diagnose.Finding) {
	type key struct{ upstream, cause string }
	failed := map[key]bool{}
	for _, f := range fs {
		if f.Check == diagnose.CheckConnectivity && f.Failing {
			failed[key{f.Upstream, f.Cause}] = true
		}
	}
	for i := range fs {
		f := &fs[i]
		if f.Check != diagnose.CheckNetwork || !f.Failing || !strings.HasPrefix(f.Summary, firewallPrefix) {
			continue
		}
		if failed[key{f.Upstream, f.Cause}] {
			continue
		}
		f.Severity, f.Failing = diagnose.Warning, false
		f.Evidence = append(f.Evidence, passedThrough)
	}
}
