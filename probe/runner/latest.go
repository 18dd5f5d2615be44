package runner

import "github.com/badgateway/badgateway_exporter/probe"

// Latest returns the latest probe results and what discovery found, for
// the /diagnose page; it never probes.
func (m *Manager) Latest() ([]probe.Latest, probe.Discovery) { return m.sched.Latest() }
