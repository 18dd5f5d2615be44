package main

import "github.com/badgateway/badgateway_exporter/diagnose/checklist"

// The log and host checks of diagnose, from packages diagnose/logwindow
// and diagnose/hostcheck.
var (
	diagnoseLogs checklist.PlugIn = checklist.LogWindow
	diagnoseHost checklist.PlugIn = checklist.HostChecks
)
