package checklist

import (
	"context"
	"fmt"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/hostcheck"
)

// HostChecks is the service and network check, a PlugIn (package
// diagnose/hostcheck): what listens where each upstream should be, and the
// firewall, routes, SELinux and OOM kills between the proxy and it.
func HostChecks(ctx context.Context, in *Inputs) ([]diagnose.Finding, []diagnose.Skipped) {
	var fs []diagnose.Finding
	var skipped []diagnose.Skipped
	ls, err := hostcheck.Listeners("/proc")
	if err != nil {
		skipped = append(skipped, diagnose.Skipped{Check: diagnose.CheckService, Reason: fmt.Sprintf("listening sockets: %v", err)})
	} else {
		fs = hostcheck.ServiceFindings(ls, in.Targets)
	}
	nf, ns := hostcheck.NetworkChecks(ctx, in.Targets, hostcheck.NetworkOptions{Listeners: ls, Since: in.Since})
	return append(fs, nf...), append(skipped, ns...)
}
