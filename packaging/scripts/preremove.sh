#!/bin/sh
# Stops the service before its files go (remove, purge; not on upgrade).
set -e
case "$1" in
  remove|purge|0)
    if [ -d /run/systemd/system ]; then
      systemctl disable --now badgateway_exporter.service >/dev/null 2>&1 || true
    fi
    ;;
esac
