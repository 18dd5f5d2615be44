package config

// ProbesConfig configures active upstream probes.
type ProbesConfig struct{}
