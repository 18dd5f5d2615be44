package hostcheck

import (
	"net/netip"
	"strings"
	"testing"
)

var (
	lo4 = netip.MustParseAddr("127.0.0.1")
	lo6 = netip.IPv6Loopback()
)

// blocked lists "port:cause" for each rule that blocks a local upstream
// at ip:port, for the ports of the testdata rule sets.
func blocked(rules []FirewallRule, ip netip.Addr) []string {
	var out []string
	for _, port := range []uint16{22, 443, 5000, 5001, 5002, 5003, 5004, 5005, 5006, 5007, 5015, 53, 6000, 7005, 8080, 9000} {
		for _, r := range rules {
			if r.Blocks(ip, port, []netip.Addr{lo4, lo6}, true) {
				c := r.CauseFor(ip).String()
				if r.Conditional {
					c += "?"
				}
				out = append(out, netip.AddrPortFrom(ip, port).String()+":"+c)
			}
		}
	}
	return out
}

// The testdata rule sets were made with iptables, ip6tables and nft in a
// network namespace and saved with iptables-save, ip6tables-save and nft -j
// list ruleset: see testdata/regenerate.sh.
func TestParseIPTablesSaveReal(t *testing.T) {
	rules := ParseIPTablesSave(readTestdata(t, "iptables-save.txt"), "iptables")
	got := strings.Join(blocked(rules, lo4), " ")
	// 5000 DROP, 5003 rate-limited DROP, 5004 REJECT net-unreachable,
	// 5005 DROP in a user chain, 5006 DROP in raw, 6000 and 7005 (multiport,
	// -i lo) tcp-reset. Not: ctstate INVALID, udp 53, nat 5007, 8080 to
	// 10.0.0.0/8 only, 9000 and 443 not on lo.
	want := "127.0.0.1:5000:connect_timeout 127.0.0.1:5003:connect_timeout? 127.0.0.1:5004:network_unreachable " +
		"127.0.0.1:5005:connect_timeout 127.0.0.1:5006:connect_timeout 127.0.0.1:6000:connection_refused 127.0.0.1:7005:connection_refused"
	if got != want {
		t.Errorf("blocked\n%s, want\n%s", got, want)
	}
	if len(blocked(rules, lo6)) != 0 {
		t.Error("iptables rules must not block IPv6")
	}
	// A remote upstream: 443 rejected on the way out, 8080 in 10/8, 9000 (! -i lo).
	remote := []string{}
	for _, a := range []string{"10.1.1.1:8080", "192.0.2.7:443", "192.0.2.7:9000", "192.0.2.7:8080"} {
		ap := netip.MustParseAddrPort(a)
		for _, r := range rules {
			if r.Blocks(ap.Addr(), ap.Port(), []netip.Addr{netip.MustParseAddr("192.0.2.10")}, false) {
				remote = append(remote, a+":"+r.Cause().String())
			}
		}
	}
	if g := strings.Join(remote, " "); g != "10.1.1.1:8080:connection_refused 192.0.2.7:443:host_unreachable 192.0.2.7:9000:connect_timeout" {
		t.Errorf("remote %s", g)
	}
	var drop FirewallRule
	for _, r := range rules {
		if r.Chain == "INPUT" && strings.Contains(r.Text, "--dport 5000") {
			drop = r
		}
	}
	if drop.Where() != "iptables filter/INPUT" || drop.DeleteCommand() != "iptables -D INPUT -p tcp -m tcp --dport 5000 -j DROP" {
		t.Errorf("where %q delete %q", drop.Where(), drop.DeleteCommand())
	}
	for _, r := range rules {
		if r.Table == "raw" && r.DeleteCommand() != "iptables -t raw -D PREROUTING -p tcp -m tcp --dport 5006 -j DROP" {
			t.Errorf("raw delete %q", r.DeleteCommand())
		}
	}
}

func TestParseIP6TablesSaveReal(t *testing.T) {
	rules := ParseIPTablesSave(readTestdata(t, "ip6tables-save.txt"), "ip6tables")
	got := strings.Join(blocked(rules, lo6), " ")
	want := "[::1]:5000:connect_timeout [::1]:5002:permission_denied [::1]:5015:connection_refused"
	if got != want {
		t.Errorf("blocked\n%s, want\n%s", got, want)
	}
	if len(blocked(rules, lo4)) != 0 {
		t.Error("ip6tables rules must not block IPv4")
	}
}

func TestParseNftJSONReal(t *testing.T) {
	rules, err := ParseNftJSON([]byte(readTestdata(t, "nft-ruleset.json")))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(append(blocked(rules, lo4), blocked(rules, lo6)...), " ")
	// inet filter input: 5000 drop, 5001 (th dport) drop, 5003 with a
	// limit, 6000 and 7005 tcp reset, 9000 on lo; 5002 to ::1 only.
	want := "127.0.0.1:5000:connect_timeout 127.0.0.1:5001:connect_timeout 127.0.0.1:5003:connect_timeout? " +
		"127.0.0.1:6000:connection_refused 127.0.0.1:7005:connection_refused 127.0.0.1:9000:connect_timeout " +
		"[::1]:5000:connect_timeout [::1]:5001:connect_timeout [::1]:5002:permission_denied [::1]:5003:connect_timeout? " +
		"[::1]:6000:connection_refused [::1]:7005:connection_refused [::1]:9000:connect_timeout"
	if got != want {
		t.Errorf("blocked\n%s, want\n%s", got, want)
	}
	for _, r := range rules {
		if r.Handle == 4 {
			if r.Text != "tcp dport 5000 drop" || r.DeleteCommand() != "nft delete rule inet filter input handle 4" ||
				r.Where() != "nft inet filter/input handle 4" {
				t.Errorf("text %q delete %q where %q", r.Text, r.DeleteCommand(), r.Where())
			}
		}
	}
	for _, r := range rules {
		if r.Handle == 10 && (r.DeleteCommand() != "nft delete rule inet filter input handle 10" || r.OnlyFamily != "ip6" || r.Hook != "input") {
			t.Errorf("ip6 daddr rule: %q %+v", r.DeleteCommand(), r)
		}
	}
	// iptables-nft rules seen through nft: REJECT targets are xt targets.
	xt, err := ParseNftJSON([]byte(readTestdata(t, "nft-from-iptables.json")))
	if err != nil || len(xt) == 0 {
		t.Fatal(xt, err)
	}
}

func TestFirewallForwardChain(t *testing.T) {
	rules := ParseIPTablesSave("*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp -m tcp --dport 5000 -j DROP\nCOMMIT\n", "iptables")
	if len(rules) != 1 || rules[0].Hook != "forward" {
		t.Fatalf("%+v", rules)
	}
	if rules[0].Blocks(lo4, 5000, []netip.Addr{lo4}, true) {
		t.Error("a connection within the host is not forwarded")
	}
	remote := netip.MustParseAddr("172.17.0.2") // a container, from a proxy in another one
	if !rules[0].Blocks(remote, 5000, nil, false) {
		t.Error("a FORWARD rule can stop a connection to another host")
	}
}

func TestFirewallParsersHostile(t *testing.T) {
	for _, in := range []string{
		"", "garbage", "*filter\n-A", "*filter\n-A INPUT -p tcp --dport -j DROP",
		"*filter\n-A INPUT -p tcp --dport notaport -j DROP", "*filter\n-A INPUT -s 999.1.1.1 -j DROP",
		"*filter\n-A INPUT -m comment --comment \"unterminated -j DROP",
		"*filter\n-A INPUT " + strings.Repeat("! ", 1<<16) + "-j DROP",
		"*filter\n-A INPUT -p tcp --dport 5000 -j DROP\xff\xfe",
		strings.Repeat("x", 1<<20),
	} {
		for _, r := range ParseIPTablesSave(in, "iptables") {
			if r.Blocks(lo4, 80, []netip.Addr{lo4}, true) {
				t.Errorf("%.60q: blocks port 80: %+v", in, r)
			}
		}
	}
	for _, in := range []string{
		"", "{", "[]", `{"nftables":[{"rule":null}]}`, `{"nftables":[{"rule":{"family":"inet","expr":[{"drop":null,"x":1}]}}]}`,
		`{"nftables":[{"rule":{"family":"inet","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":"http"}},{"drop":null}]}}]}`,
		`{"nftables":[{"rule":{"family":"inet","expr":[{"match":{"left":[[[[[[[[[[[[1]]]]]]]]]]]]}},{"drop":null}]}}]}`,
		`{"nftables":[{"rule":{"family":"arp","expr":[{"drop":null}]}}]}`,
	} {
		rules, _ := ParseNftJSON([]byte(in))
		for _, r := range rules {
			if r.Blocks(lo4, 80, []netip.Addr{lo4}, true) && !r.Conditional {
				t.Errorf("%.60q: blocks port 80 unconditionally: %+v", in, r)
			}
		}
	}
	big := `{"nftables":[` + strings.Repeat(`{"rule":{"family":"inet","table":"t","chain":"c","expr":[{"drop":null}]}},`, maxRules+5)
	big = strings.TrimSuffix(big, ",") + "]}"
	if rules, err := ParseNftJSON([]byte(big)); err != nil || len(rules) != maxRules {
		t.Errorf("bounded: %d %v", len(rules), err)
	}
}
