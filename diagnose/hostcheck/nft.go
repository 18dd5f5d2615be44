package hostcheck

import (
	"encoding/json"
	"fmt"
	"strings"
)

// nftRuleset is the part of `nft -j list ruleset` the checks read.
type nftRuleset struct {
	Nftables []struct {
		Chain *struct {
			Family string `json:"family"`
			Table  string `json:"table"`
			Name   string `json:"name"`
			Hook   string `json:"hook"`
		} `json:"chain"`
		Rule *struct {
			Family string            `json:"family"`
			Table  string            `json:"table"`
			Chain  string            `json:"chain"`
			Handle uint64            `json:"handle"`
			Expr   []json.RawMessage `json:"expr"`
		} `json:"rule"`
	} `json:"nftables"`
}

// nftMatch is a match statement: left op right.
type nftMatch struct {
	Op    string          `json:"op"`
	Left  json.RawMessage `json:"left"`
	Right json.RawMessage `json:"right"`
}

// ParseNftJSON reads the output of `nft -j list ruleset` and returns its
// drop and reject rules (inet, ip and ip6 families).
func ParseNftJSON(data []byte) ([]FirewallRule, error) {
	var rs nftRuleset
	if err := json.Unmarshal(data, &rs); err != nil {
		return nil, fmt.Errorf("nft json: %w", err)
	}
	hooks := map[[3]string]string{}
	for _, o := range rs.Nftables {
		if c := o.Chain; c != nil && len(hooks) < maxRules {
			hooks[[3]string{c.Family, c.Table, c.Name}] = c.Hook
		}
	}
	var out []FirewallRule
	for _, o := range rs.Nftables {
		r := o.Rule
		if r == nil || len(out) >= maxRules || (r.Family != "inet" && r.Family != "ip" && r.Family != "ip6") {
			continue
		}
		fr := FirewallRule{Tool: "nft", Family: r.Family, Table: r.Table, Chain: r.Chain, Handle: r.Handle,
			Hook: hooks[[3]string{r.Family, r.Table, r.Chain}]}
		var text []string
		for _, e := range r.Expr {
			text = append(text, nftStatement(&fr, e))
		}
		if fr.Verdict != "drop" && fr.Verdict != "reject" {
			continue
		}
		fr.Text = strings.Join(strings.Fields(strings.Join(text, " ")), " ")
		out = append(out, fr)
	}
	return out, nil
}

// nftStatement applies one statement of a rule to fr and returns it as
// nft's text prints it, roughly.
func nftStatement(fr *FirewallRule, raw json.RawMessage) string {
	var st map[string]json.RawMessage
	if json.Unmarshal(raw, &st) != nil || len(st) != 1 {
		fr.Conditional = true
		return "?"
	}
	for kind, body := range st {
		switch kind {
		case "match":
			var m nftMatch
			if json.Unmarshal(body, &m) != nil {
				fr.Conditional = true
				return "?"
			}
			return nftApplyMatch(fr, m)
		case "drop", "accept":
			fr.Verdict = kind
			return kind
		case "reject":
			fr.Verdict = "reject"
			var rj struct{ Type, Expr string }
			_ = json.Unmarshal(body, &rj) // null: the default reject
			if rj.Expr == "" {
				fr.RejectWith = rj.Type
			} else {
				fr.RejectWith = rj.Expr
			}
			return strings.TrimSpace("reject " + strings.TrimSpace("with "+rj.Type+" "+rj.Expr))
		case "xt": // an iptables-nft match or target nft cannot show
			var xt struct{ Type, Name string }
			_ = json.Unmarshal(body, &xt)
			switch {
			case xt.Type == "target" && (xt.Name == "REJECT" || xt.Name == "DROP"):
				fr.Verdict = strings.ToLower(xt.Name)
			case xt.Name != "comment":
				fr.Conditional = true
			}
			return "xt " + xt.Type + " " + xt.Name
		case "counter", "log", "comment":
			return ""
		default:
			fr.Conditional = true // limit, meter, quota, mark …
			return kind
		}
	}
	return ""
}

// nftApplyMatch applies a match to fr.
func nftApplyMatch(fr *FirewallRule, m nftMatch) string {
	var left struct {
		Payload *struct{ Protocol, Field string } `json:"payload"`
		Meta    *struct{ Key string }             `json:"meta"`
		CT      *struct{ Key string }             `json:"ct"`
	}
	_ = json.Unmarshal(m.Left, &left)
	neg := m.Op == "!="
	right := nftValues(m.Right)
	var text string
	switch {
	case left.Payload != nil && (left.Payload.Field == "dport" || left.Payload.Field == "sport"):
		p := left.Payload
		ports := parsePorts(strings.Join(right, ","), "-")
		if len(ports) == 0 {
			fr.Conditional = true
		}
		if p.Protocol == "tcp" || p.Protocol == "udp" || p.Protocol == "sctp" {
			fr.Proto = p.Protocol
		}
		if p.Field == "dport" {
			fr.DPorts, fr.DPortsNeg = ports, neg
		} else {
			fr.SPorts, fr.SPortsNeg = ports, neg
		}
		text = p.Protocol + " " + p.Field
	case left.Payload != nil && (left.Payload.Field == "daddr" || left.Payload.Field == "saddr"):
		p := left.Payload
		prefixes := parsePrefixes(strings.Join(right, ","))
		if len(prefixes) == 0 {
			fr.Conditional = true
		}
		if p.Protocol == "ip" || p.Protocol == "ip6" {
			fr.OnlyFamily = p.Protocol // ip daddr in an inet table: IPv4 only
		}
		if p.Field == "daddr" {
			fr.Dst, fr.DstNeg = prefixes, neg
		} else {
			fr.Src, fr.SrcNeg = prefixes, neg
		}
		text = p.Protocol + " " + p.Field
	case left.Meta != nil && left.Meta.Key == "l4proto":
		fr.Proto, fr.ProtoNeg = strings.Join(right, ","), neg
		text = "meta l4proto"
	case left.Meta != nil && (left.Meta.Key == "iifname" || left.Meta.Key == "oifname"):
		name := strings.ReplaceAll(strings.Join(right, ","), "*", "+")
		if left.Meta.Key == "iifname" {
			fr.InIface, fr.InNeg = name, neg
		} else {
			fr.OutIface, fr.OutNeg = name, neg
		}
		text = left.Meta.Key
	case left.CT != nil && left.CT.Key == "state":
		fr.NotNew = fr.NotNew || (!neg && !strings.Contains(strings.Join(right, ","), "new"))
		text = "ct state"
	default:
		fr.Conditional = true
		text = strings.Trim(string(m.Left), "{}")
	}
	op := ""
	if neg {
		op = "!= "
	}
	return fmt.Sprintf("%s %s%s", text, op, strings.Join(right, ","))
}

// nftValues flattens the right side of a match: a number, a string, a
// set, a range ("7000-7010") or a prefix ("10.0.0.0/8").
func nftValues(raw json.RawMessage) []string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 8 || len(out) > 4096 {
			return
		}
		switch x := v.(type) {
		case float64:
			out = append(out, fmt.Sprint(x))
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			if s, ok := x["set"]; ok {
				walk(s, depth+1)
			}
			if r, ok := x["range"].([]any); ok && len(r) == 2 {
				out = append(out, fmt.Sprintf("%v-%v", r[0], r[1]))
			}
			if p, ok := x["prefix"].(map[string]any); ok {
				out = append(out, fmt.Sprintf("%v/%v", p["addr"], p["len"]))
			}
		}
	}
	walk(v, 0)
	return out
}
