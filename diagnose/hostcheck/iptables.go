package hostcheck

import (
	"bufio"
	"net/netip"
	"strconv"
	"strings"
)

// maxRules bounds the rules kept from one rule set.
const maxRules = 1 << 16

// builtinChains are iptables' chains that hang on a netfilter hook.
var builtinChains = map[string]bool{"INPUT": true, "OUTPUT": true, "FORWARD": true, "PREROUTING": true, "POSTROUTING": true}

// ParseIPTablesSave reads the output of iptables-save (tool "iptables") or
// ip6tables-save ("ip6tables") and returns its DROP and REJECT rules.
// Lines it does not understand are skipped; nat rules never block.
func ParseIPTablesSave(text, tool string) []FirewallRule {
	family := "ip"
	if tool == "ip6tables" {
		family = "ip6"
	}
	var out []FirewallRule
	table := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	for sc.Scan() && len(out) < maxRules {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "*"):
			table = line[1:]
		case strings.HasPrefix(line, "-A ") && table != "nat":
			if r, ok := parseIPTablesRule(line); ok {
				r.Tool, r.Family, r.Table = tool, family, table
				if builtinChains[r.Chain] {
					r.Hook = strings.ToLower(r.Chain)
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// parseIPTablesRule parses "-A CHAIN matches… -j TARGET [options]"; ok is
// false unless the target is DROP or REJECT.
func parseIPTablesRule(line string) (FirewallRule, bool) {
	w := splitQuoted(line)
	r := FirewallRule{Text: line}
	neg, bad := false, false
	// vals checks a list option parsed to something.
	vals := func(n int, v string) { bad = bad || (n == 0 && v != "") }
	for i := 0; i < len(w); i++ {
		arg := func() string { // the option's value
			if i+1 < len(w) {
				i++
				return w[i]
			}
			return ""
		}
		switch o := w[i]; o {
		case "!":
			neg = true
			continue
		case "-A", "--append":
			r.Chain = arg()
		case "-p", "--protocol":
			r.Proto, r.ProtoNeg = strings.ToLower(arg()), neg
		case "-s", "--source", "--src":
			v := arg()
			r.Src, r.SrcNeg = parsePrefixes(v), neg
			vals(len(r.Src), v)
		case "-d", "--destination", "--dst":
			v := arg()
			r.Dst, r.DstNeg = parsePrefixes(v), neg
			vals(len(r.Dst), v)
		case "-i", "--in-interface":
			r.InIface, r.InNeg = arg(), neg
		case "-o", "--out-interface":
			r.OutIface, r.OutNeg = arg(), neg
		case "--dport", "--destination-port", "--dports", "--destination-ports":
			v := arg()
			r.DPorts, r.DPortsNeg = parsePorts(v, ":"), neg
			vals(len(r.DPorts), v)
		case "--sport", "--source-port", "--sports", "--source-ports":
			v := arg()
			r.SPorts, r.SPortsNeg = parsePorts(v, ":"), neg
			vals(len(r.SPorts), v)
		case "-j", "--jump":
			r.Verdict = strings.ToLower(arg())
		case "--reject-with":
			r.RejectWith = arg()
		case "--ctstate", "--state":
			r.NotNew = !neg && !strings.Contains(arg(), "NEW")
		case "-m", "--match":
			switch arg() {
			case "tcp", "udp", "multiport", "comment", "conntrack", "state", "icmp", "icmp6":
			default:
				r.Conditional = true
			}
		case "--comment":
			arg()
		default:
			if strings.HasPrefix(o, "-") && r.Verdict == "" {
				r.Conditional = true // a match this parser does not evaluate
			}
		}
		neg = false
	}
	if bad || r.Chain == "" || (r.Verdict != "drop" && r.Verdict != "reject") {
		return FirewallRule{}, false
	}
	return r, true
}

// splitQuoted splits an iptables-save line into words; "double quoted"
// words (comments) keep their spaces.
func splitQuoted(s string) []string {
	var out []string
	var b strings.Builder
	inQuote, inWord := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && inQuote && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			inQuote, inWord = !inQuote, true
		case (c == ' ' || c == '\t') && !inQuote:
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}

// parsePrefixes reads "10.0.0.0/8,127.0.0.1/32"; unparseable parts are
// left out.
func parsePrefixes(s string) []netip.Prefix {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

// parsePorts reads "5000", "5000:5010" (sep ":") or a comma-separated list
// of those; an open range end ("1024:") runs to 65535.
func parsePorts(s, sep string) []PortRange {
	var out []PortRange
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, sep)
		l, err := strconv.ParseUint(lo, 10, 16)
		if err != nil && !(isRange && lo == "") {
			continue
		}
		h := l
		if isRange {
			if h, err = strconv.ParseUint(hi, 10, 16); err != nil {
				if hi != "" {
					continue
				}
				h = 65535
			}
		}
		out = append(out, PortRange{uint16(min(l, h)), uint16(max(l, h))})
	}
	return out
}
