#!/bin/sh
# Load generator of the badgateway_exporter demo (service "loadgen" in
# docker-compose.yml, image curlimages/curl): requests every scenario of
# nginx and HAProxy, and /ok more often, so that the dashboards move by
# themselves. Bounded: one round at a time, each request capped at 10s, then
# a pause of PAUSE seconds (about 5 requests/s in all).
#
# deploy/deploy_test.go checks that these lists are the scenarios it tests.
set -u
NGINX_URL=${NGINX_URL:-http://nginx}
HAPROXY_URL=${HAPROXY_URL:-http://haproxy:8080}
PAUSE=${PAUSE:-3}
OK_PER_ROUND=${OK_PER_ROUND:-4}

NGINX_PATHS="/ok /refused /wrong-port /timeout /premature-close /reset /header-too-big /invalid-header /crash /tls /tls-to-plain /tls-untrusted /dns /unix /missing-socket /no-live-upstreams"
HAPROXY_PATHS="/ok /refused /timeout /premature-close /reset /header-too-big /invalid-header /crash /no-live-upstreams"

get() {
  curl --silent --output /dev/null --max-time 10 --user-agent badgateway-demo-loadgen "$1" || true
}

echo "loadgen: $NGINX_URL and $HAPROXY_URL, a round every ${PAUSE}s plus the slowest request"
while :; do
  for p in $NGINX_PATHS; do get "$NGINX_URL$p" & done
  for p in $HAPROXY_PATHS; do get "$HAPROXY_URL$p" & done
  i=0
  while [ "$i" -lt "$OK_PER_ROUND" ]; do
    get "$NGINX_URL/ok" &
    get "$HAPROXY_URL/ok" &
    i=$((i + 1))
  done
  wait
  sleep "$PAUSE"
done
