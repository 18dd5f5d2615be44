#!/usr/bin/env bash
# Runs every test of badgateway_exporter, end-to-end tests included.
# On a fresh Debian machine it first installs what the tests run for real:
#   nginx, haproxy and apache2 (the proxies under test), prometheus (promtool and the
#   server), prometheus-alertmanager (alertmanager and amtool) and
#   docker-compose (only to validate docker-compose.yml), and for the
#   packaging tests rpm (rpm -qlp), systemd (systemd-analyze verify) and
#   docker.io (the release image is built and run on a dockerd the test
#   starts with --bridge=none --iptables=false; the compose stack is not run),
#   iptables and nftables (firewall rules the diagnose tests set in network
#   namespaces), and chromium (renders the /diagnose page headless;
#   screenshots go to test-artifacts/).
# The end-to-end tests never skip here: a missing binary fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || need_pkgs+=(haproxy)
[ -x /usr/sbin/apache2 ] || command -v apache2 >/dev/null 2>&1 || need_pkgs+=(apache2)
command -v promtool >/dev/null 2>&1 || need_pkgs+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need_pkgs+=(prometheus-alertmanager)
command -v docker-compose >/dev/null 2>&1 || need_pkgs+=(docker-compose)
command -v rpm >/dev/null 2>&1 || need_pkgs+=(rpm)
command -v systemd-analyze >/dev/null 2>&1 || need_pkgs+=(systemd)
[ -x /usr/sbin/dockerd ] || need_pkgs+=(docker.io)
[ -x /usr/sbin/ip ] || command -v ip >/dev/null 2>&1 || need_pkgs+=(iproute2)   # network namespaces for the unreachable-host probe tests
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)   # headless browser that renders the /diagnose page
[ -x /usr/sbin/iptables ] || command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)   # diagnose/hostcheck: firewall rules in a network namespace
[ -x /usr/sbin/nft ] || command -v nft >/dev/null 2>&1 || need_pkgs+=(nftables)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need_pkgs[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  # Do not let package scripts start the services: the tests run their own
  # instances on loopback.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
export PATH="$PATH:/usr/sbin:/usr/local/go/bin"

echo "==> gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

echo "==> go vet"
go vet ./...

echo "==> go test (end-to-end tests required)"
export BADGATEWAY_REQUIRE_E2E=1
# Screenshots of the /diagnose page and other things worth a look afterwards.
export BADGATEWAY_TEST_ARTIFACTS="${BADGATEWAY_TEST_ARTIFACTS:-$PWD/test-artifacts}"
go test -count=1 ./...

echo "==> fuzz the parsers (short runs)"
# Each run has an iteration budget, not a time budget: with -fuzztime=Ns,
# Go 1.26 can end a run that found nothing with "context deadline exceeded".
# The budgets take about as long as the old 10-15 s on a 2-core machine
# (measured: about 10k-30k execs/s with 2 workers).
go test -run='^$' -fuzz='^FuzzNginxErrorParser$' -fuzztime=300000x ./logparse/nginxerror
go test -run='^$' -fuzz='^FuzzHAProxyParser$' -fuzztime=110000x ./logparse/haproxy
go test -run='^$' -fuzz='^FuzzApacheErrorParser$' -fuzztime=300000x ./logparse/apacheerror
go test -run='^$' -fuzz='^FuzzAccessParser$' -fuzztime=140000x ./logparse/nginxaccess
go test -run='^$' -fuzz='^FuzzParser$' -fuzztime=200000x ./logparse/awsalb
go test -run='^$' -fuzz='^FuzzJoiner$' -fuzztime=400000x ./logparse/containerlog
go test -run='^$' -fuzz='^FuzzApacheAccessParser$' -fuzztime=100000x ./logparse/nginxaccess
go test -run='^$' -fuzz='^FuzzDecode$' -fuzztime=110000x ./syslog
go test -run='^$' -fuzz='^FuzzTCPFraming$' -fuzztime=180000x ./syslog
# raw line bytes -> parser -> counters -> /metrics body -> parsed back (about 15 s)
go test -run='^$' -fuzz='^FuzzExposition$' -fuzztime=40000x ./pipeline
# nginx configuration bytes -> lexer + parser, nginx -T splitting (about 10 s)
go test -run='^$' -fuzz='^FuzzParse$' -fuzztime=300000x ./nginxconf
# log bytes -> backwards and forwards line splitters == bytes.Split (about 15 s)
go test -run='^$' -fuzz='^FuzzBackwardSplit$' -fuzztime=150000x ./diagnose/logwindow
