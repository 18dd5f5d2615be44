// Package packaging holds what installs badgateway_exporter like any
// Prometheus exporter — the nfpm configuration of the .deb and .rpm, the
// systemd unit, the packaged configuration and the release image's
// Dockerfile — and the tests that build a release with scripts/release.sh
// and install and run it for real (dpkg, rpm, systemd-analyze, dockerd).
// It has no Go code of its own.
package packaging
