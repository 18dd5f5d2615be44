package checklist

import (
	"context"
	"fmt"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/hostcheck"
)

// HostChecks is the service and network check, a PlugIn (package
// diagnose/hostcheck): what listens where each upstream should be, and the
// firewall, routes, SELinux and OOM kills between the proxy and it, and
// nginx's "worker_connections are not enough" in the error-log lines the
// logs check kept (Inputs.ProxyLog: the logs check runs first).
func HostChecks(ctx context.Context, in *Inputs) ([]diagnose.Finding, []diagnose.Skipped) {
	return hostChecks(ctx, in, func() ([]hostcheck.Listener, error) { return hostcheck.Listeners("/proc") }, hostcheck.NetworkOptions{})
}

// hostChecks runs the host checks with the listeners that listeners
// returns. Listeners gives what it could read along with its error (a
// bound reached, a file it could not read): those listeners are used, and
// the error is listed as skipped, so that a partial scan is never silent.
func hostChecks(ctx context.Context, in *Inputs, listeners func() ([]hostcheck.Listener, error), opts hostcheck.NetworkOptions) ([]diagnose.Finding, []diagnose.Skipped) {
	var fs []diagnose.Finding
	var skipped []diagnose.Skipped
	ls, err := listeners()
	switch {
	case err != nil && len(ls) == 0:
		skipped = append(skipped, diagnose.Skipped{Check: diagnose.CheckService, Reason: fmt.Sprintf("listening sockets: %v", err)})
	case err != nil:
		skipped = append(skipped, diagnose.Skipped{Check: diagnose.CheckService,
			Reason: fmt.Sprintf("listening sockets, partly read (%d found; what is missing may be reported as not listening): %v", len(ls), err)})
		fs = hostcheck.ServiceFindingsAfterProbe(ls, in.Targets, in.Refused)
	default:
		fs = hostcheck.ServiceFindingsAfterProbe(ls, in.Targets, in.Refused)
	}
	opts.Listeners, opts.Since, opts.ProxyLog = ls, in.Since, in.ProxyLog
	nf, ns := hostcheck.NetworkChecks(ctx, in.Targets, opts)
	tieWorkerConnections(in, nf)
	return append(fs, nf...), append(skipped, ns...)
}
