// Package deploy holds the demo stack's configurations (nginx, HAProxy, the
// exporter, Prometheus, Grafana) used by docker-compose.yml, and the tests
// that run those same configurations with the real programs on loopback.
// It has no Go code of its own beyond the tests.
package deploy
