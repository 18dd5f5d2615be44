package runner

import (
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/probe"
)

// StaticTargets are the probe targets of a probes section's targets list,
// as the running exporter probes them; for one-shot checks (diagnose).
func StaticTargets(cfg config.ProbesConfig) []probe.Target { return staticTargets(cfg) }

// DiscoverOptions are the discover.Options of a discover section, as the
// running exporter uses them; for one-shot checks (diagnose).
func DiscoverOptions(d config.DiscoverConfig) discover.Options { return discoverOptions(d) }
