#!/usr/bin/env bash
# Regenerates the testdata from real programs, as root, in throw-away
# network namespaces (nothing changes on the host): /proc/net text with
# listen.py, iptables-save / ip6tables-save / nft -j output from real rules.
# The tests assert on what these files hold: after regenerating the /proc
# files, update the inode numbers and the order of the listeners (the
# kernel's hash order) in procnet_test.go and listeners_test.go.
set -euo pipefail
cd "$(dirname "$0")"
ns=bgwtestdata$$
trap 'ip netns delete $ns 2>/dev/null || true; rm -rf /tmp/diaghost-sock' EXIT
fresh() { ip netns delete $ns 2>/dev/null || true; ip netns add $ns; ip -n $ns link set lo up; }
N="ip netns exec $ns"

fresh; rm -rf /tmp/diaghost-sock; mkdir -p /tmp/diaghost-sock
$N python3 listen.py "$PWD"

fresh
$N nft -f rules.nft
$N nft -j list ruleset > nft-ruleset.json

fresh
$N iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
$N iptables -A INPUT -m conntrack --ctstate INVALID -j DROP
$N iptables -A INPUT -p tcp -m tcp --dport 5000 -j DROP
$N iptables -A INPUT -i lo -p tcp -m multiport --dports 6000,7000:7010 -j REJECT --reject-with tcp-reset
$N iptables -A INPUT -d 10.0.0.0/8 -p tcp --dport 8080 -j REJECT
$N iptables -A INPUT ! -i lo -p tcp --dport 9000 -j DROP
$N iptables -A INPUT -p tcp --dport 5003 -m limit --limit 10/second -j DROP
$N iptables -A INPUT -p udp --dport 53 -j DROP
$N iptables -A INPUT -s 192.0.2.1/32 -j REJECT --reject-with icmp-host-prohibited
$N iptables -A INPUT -p tcp --dport 5004 -m comment --comment 'block the "legacy" app' -j REJECT --reject-with icmp-net-unreachable
$N iptables -N app-guard
$N iptables -A INPUT -j app-guard
$N iptables -A app-guard -p tcp --dport 5005 -j DROP
$N iptables -t raw -A PREROUTING -p tcp --dport 5006 -j DROP
$N iptables -t nat -A OUTPUT -p tcp --dport 5007 -j DNAT --to-destination 127.0.0.1:5008
$N iptables -A OUTPUT -p tcp --dport 443 ! -o lo -j REJECT --reject-with icmp-admin-prohibited
$N ip6tables -A INPUT -p tcp --dport 5000 -j DROP
$N ip6tables -A INPUT -d ::1/128 -p tcp --dport 5002 -j REJECT --reject-with icmp6-adm-prohibited
$N ip6tables -A INPUT -p tcp --dport 5010:5020 -j REJECT
$N iptables-save > iptables-save.txt
$N ip6tables-save > ip6tables-save.txt
$N nft -j list ruleset > nft-from-iptables.json
