package main

import "github.com/badgateway/badgateway_exporter/diagnose/checklist"

// The log and host checks of diagnose, from packages diagnose/logwindow
// and diagnose/hostcheck: nil lists them as skipped in the report, with
// the reason. Set them here when those packages are merged.
var (
	diagnoseLogs checklist.PlugIn
	diagnoseHost checklist.PlugIn
)
