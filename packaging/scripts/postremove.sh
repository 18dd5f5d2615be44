#!/bin/sh
# On purge (deb) or erase (rpm): removes the user, its group and the state
# directory (the positions file).
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
case "$1" in
  purge|0)
    rm -rf /var/lib/badgateway_exporter /var/lib/private/badgateway_exporter
    if getent passwd badgateway_exporter >/dev/null; then userdel badgateway_exporter; fi
    if getent group badgateway_exporter >/dev/null; then groupdel badgateway_exporter; fi
    ;;
esac
