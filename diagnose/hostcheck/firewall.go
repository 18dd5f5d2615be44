package hostcheck

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
)

// FirewallRule is a DROP or REJECT rule of iptables, ip6tables or
// nftables, with the matches the checks understand.
type FirewallRule struct {
	Tool   string // "iptables", "ip6tables" or "nft"
	Family string // "ip", "ip6" or "inet" (nft's table family; iptables is ip, ip6tables ip6)
	// OnlyFamily is "ip" or "ip6" when an inet rule matches one address
	// family only (ip daddr …); "" otherwise.
	OnlyFamily string
	Table      string
	Chain      string
	// Hook is the netfilter hook of the rule's chain ("input", "output",
	// "forward", "prerouting", "postrouting"); "" for a chain that is only
	// jumped to.
	Hook   string
	Handle uint64 // nft: the rule's handle
	Text   string // the rule as the tool prints it ("-A INPUT -p tcp … -j DROP"), or nft's matches and verdict
	// Verdict is "drop" or "reject"; RejectWith the reject type
	// ("icmp-port-unreachable", "tcp-reset"; "" for the default).
	Verdict    string
	RejectWith string
	Proto      string // "tcp", "udp" …; "" for any
	ProtoNeg   bool
	DPorts     []PortRange // destination ports; none: any
	DPortsNeg  bool
	SPorts     []PortRange // source ports; none: any
	SPortsNeg  bool
	Dst, Src   []netip.Prefix // none: any
	DstNeg     bool
	SrcNeg     bool
	InIface    string // "-i"; "" for any; a trailing + is a prefix
	InNeg      bool
	OutIface   string
	OutNeg     bool
	// Conditional is set when the rule has matches the checks do not
	// evaluate (rate limits, marks, owners): it may not hit every packet.
	Conditional bool
	// NotNew is set when the rule only matches packets of some conntrack
	// states that a new connection never has (INVALID, ESTABLISHED).
	NotNew bool
}

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi uint16 }

func (r PortRange) has(p uint16) bool { return r.Lo <= p && p <= r.Hi }

func anyPort(rs []PortRange, p uint16) bool {
	for _, r := range rs {
		if r.has(p) {
			return true
		}
	}
	return false
}

func anyPrefix(ps []netip.Prefix, ips ...netip.Addr) bool {
	for _, p := range ps {
		for _, ip := range ips {
			if p.Contains(ip) {
				return true
			}
		}
	}
	return false
}

// Blocks reports whether the rule stops TCP connections from this host to
// ip:port: it drops or rejects, matches TCP, and names the port (as the
// destination of the connection, or the source of its replies) or the
// upstream's address. from are the addresses the connection leaves from
// (the host's own, or loopback). A catch-all (no port, no address) is not
// counted: whether it hits depends on the rules before it.
func (r FirewallRule) Blocks(ip netip.Addr, port uint16, from []netip.Addr, local bool) bool {
	if r.NotNew || (r.Verdict != "drop" && r.Verdict != "reject") {
		return false
	}
	family := r.Family
	if r.OnlyFamily != "" {
		family = r.OnlyFamily
	}
	switch family {
	case "ip":
		if !ip.Is4() {
			return false
		}
	case "ip6":
		if !ip.Is6() {
			return false
		}
	}
	if local && r.Hook == "forward" {
		return false // a connection within the host is never forwarded
	}
	if r.Proto != "" && slices.Contains(strings.Split(r.Proto, ","), "tcp") == r.ProtoNeg {
		return false
	}
	if !ifaceMatches(r.InIface, r.InNeg, local) || !ifaceMatches(r.OutIface, r.OutNeg, local) {
		return false
	}
	specific := false
	if len(r.DPorts) > 0 {
		if anyPort(r.DPorts, port) == r.DPortsNeg {
			return false
		}
		specific = !r.DPortsNeg
	}
	if len(r.SPorts) > 0 && len(r.DPorts) == 0 {
		// With no destination port, a source port is the upstream's, in its replies.
		if anyPort(r.SPorts, port) == r.SPortsNeg {
			return false
		}
		specific = !r.SPortsNeg
	}
	if len(r.Dst) > 0 {
		hit := anyPrefix(r.Dst, ip)
		if !hit && len(r.DPorts) == 0 {
			hit = anyPrefix(r.Dst, from...) // replies to this host
		}
		if hit == r.DstNeg {
			return false
		}
		specific = specific || (!r.DstNeg && !wide(r.Dst))
	}
	if len(r.Src) > 0 {
		hit := anyPrefix(r.Src, from...) || anyPrefix(r.Src, ip)
		if hit == r.SrcNeg {
			return false
		}
		specific = specific || (!r.SrcNeg && !wide(r.Src))
	}
	return specific
}

// wide reports whether every prefix is a /0.
func wide(ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Bits() != 0 {
			return false
		}
	}
	return true
}

// ifaceMatches reports whether an interface match can hit a connection to
// a local upstream (over lo) or a remote one (over another interface).
func ifaceMatches(name string, neg, local bool) bool {
	if name == "" {
		return true
	}
	isLo := name == "lo" || name == "lo+"
	return (isLo == local) != neg
}

// Cause is the cause label a connection blocked by the rule shows: a DROP
// times out; a REJECT is refused (tcp-reset, port-unreachable), host or
// network unreachable, or permission denied (ICMPv6 admin-prohibited), as
// Linux maps the ICMP error it gets. For an inet rule that rejects with
// icmpx, see CauseFor.
func (r FirewallRule) Cause() cause.Cause { return r.CauseFor(netip.Addr{}) }

// CauseFor is Cause for a connection to ip: nft's icmpx admin-prohibited
// is ICMPv6's (permission denied) for an IPv6 upstream.
func (r FirewallRule) CauseFor(ip netip.Addr) cause.Cause {
	if r.Verdict == "drop" {
		return cause.ConnectTimeout
	}
	w := strings.ToLower(r.RejectWith)
	v6 := r.Family == "ip6" || r.OnlyFamily == "ip6" || (r.Family == "inet" && ip.Is6() && !ip.Is4In6())
	switch {
	case w == "", strings.Contains(w, "port-unreach"), strings.Contains(w, "reset"):
		return cause.ConnectionRefused
	case strings.Contains(w, "net-"), strings.Contains(w, "no-route"):
		return cause.NetworkUnreachable
	case strings.Contains(w, "adm-prohibited"), w == "admin-prohibited" && v6:
		return cause.PermissionDenied
	}
	return cause.HostUnreachable
}

// Where is "table/chain" with the tool, e.g. "iptables filter/INPUT".
func (r FirewallRule) Where() string {
	if r.Tool == "nft" {
		return fmt.Sprintf("nft %s %s/%s handle %d", r.Family, r.Table, r.Chain, r.Handle)
	}
	return fmt.Sprintf("%s %s/%s", r.Tool, r.Table, r.Chain)
}

// DeleteCommand is the command that removes the rule.
func (r FirewallRule) DeleteCommand() string {
	if r.Tool == "nft" {
		return fmt.Sprintf("nft delete rule %s %s %s handle %d", r.Family, r.Table, r.Chain, r.Handle)
	}
	spec, _ := strings.CutPrefix(r.Text, "-A ")
	table := ""
	if r.Table != "filter" {
		table = "-t " + r.Table + " "
	}
	return fmt.Sprintf("%s %s-D %s", r.Tool, table, spec)
}
