#!/bin/sh
# Creates the system user badgateway_exporter in group adm (Debian's nginx
# and HAProxy logs are root:adm 0640). The service is enabled, not started:
# edit /etc/badgateway_exporter/config.yml, then start it.
set -e
if ! getent group badgateway_exporter >/dev/null; then
  groupadd --system badgateway_exporter
fi
if ! getent passwd badgateway_exporter >/dev/null; then
  useradd --system --gid badgateway_exporter --groups adm \
    --home-dir /var/lib/badgateway_exporter --no-create-home \
    --shell /usr/sbin/nologin --comment "badgateway_exporter" badgateway_exporter
elif getent group adm >/dev/null; then
  usermod --append --groups adm badgateway_exporter
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  systemctl enable badgateway_exporter.service >/dev/null 2>&1 || true
  systemctl try-restart badgateway_exporter.service >/dev/null 2>&1 || true
fi
