// Package alerts holds the alert rules (badgateway.rules.yml), the
// recording rules for many hosts (badgateway.recording.yml), the
// Alertmanager routing (alertmanager.yml) and their tests: promtool rule
// tests, amtool routes, and end-to-end runs of the rules and the dashboards'
// queries in a real Prometheus and Alertmanager. It has no Go code of its
// own beyond the tests.
package alerts
