package checklist

import (
	"fmt"
	"strconv"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/nginxconf"
)

// nginxDefaultWorkerConnections is nginx's worker_connections when the
// events block sets none.
const nginxDefaultWorkerConnections = 512

// tieWorkerConnections makes the fix of "nginx ran out of
// worker_connections" concrete: the worker_connections and
// worker_rlimit_nofile directives in force (file:line, value) and the
// values to set.
func tieWorkerConnections(in *Inputs, fs []diagnose.Finding) {
	var cfg *nginxconf.Config
	for _, p := range in.Proxies {
		if p.Nginx != nil {
			cfg = p.Nginx
			break
		}
	}
	if cfg == nil {
		return
	}
	for i := range fs {
		f := &fs[i]
		if f.Check == diagnose.CheckNetwork && f.Cause == cause.ProxyResourceExhausted.String() && f.Upstream == "" {
			f.Fix = workerConnectionsFix(cfg)
		}
	}
}

// workerConnectionsFix names the directives to raise and their new values:
// four times the current worker_connections (at least 4096), and
// worker_rlimit_nofile at least twice that (each proxied request holds a
// client and an upstream connection, each a file descriptor).
func workerConnectionsFix(cfg *nginxconf.Config) string {
	current, wcDirective := nginxDefaultWorkerConnections, (*nginxconf.Directive)(nil)
	for _, ev := range nginxconf.Find(cfg.Directives, "events") {
		if ds := nginxconf.Find(ev.Block, "worker_connections"); len(ds) > 0 {
			wcDirective = ds[len(ds)-1]
			if n, err := strconv.Atoi(wcDirective.Arg(0)); err == nil && n > 0 {
				current = n
			}
		}
	}
	want := max(4*current, 4096)
	var fix string
	if wcDirective != nil {
		fix = fmt.Sprintf("raise `%s` at %s to `worker_connections %d;`", wcDirective.String(), wcDirective.Where(), want)
	} else {
		fix = fmt.Sprintf("add `worker_connections %d;` to the events block of %s (none is set: nginx's default is %d)", want, cfg.File, nginxDefaultWorkerConnections)
	}
	files := 2 * want
	rlimit := nginxconf.Find(cfg.Directives, "worker_rlimit_nofile")
	switch {
	case len(rlimit) == 0:
		fix += fmt.Sprintf(", and add `worker_rlimit_nofile %d;` to the main context of %s (else the open-files limit, `ulimit -n`, caps it)", files, cfg.File)
	default:
		d := rlimit[len(rlimit)-1]
		if n, err := strconv.Atoi(d.Arg(0)); err != nil || n < files {
			fix += fmt.Sprintf(", and raise `%s` at %s to `worker_rlimit_nofile %d;`", d.String(), d.Where(), files)
		}
	}
	return fix + "; then `nginx -t && nginx -s reload`. If the error log shows nginx proxying to itself, fix that loop instead"
}
