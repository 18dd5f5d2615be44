package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/badgateway/badgateway_exporter/diagnose/checklist"
)

// diagnoseOptions are the flags of the diagnose command.
type diagnoseOptions struct {
	nginxConfig, haproxyConfig, configFile string
	nginxBinary, haproxyBinary             string
	since, timeout                         time.Duration
	urls                                   []string
	output                                 string
}

// addDiagnoseCommand declares `diagnose` and its flags.
func addDiagnoseCommand(app *kingpin.Application) (*kingpin.CmdClause, *diagnoseOptions) {
	o := &diagnoseOptions{}
	c := app.Command("diagnose", "Run the 502 checklist on this host (upstreams, configuration, logs) and print what fails and the fix. Exit code 0: nothing critical, 1: a critical finding, 2: diagnose could not run.")
	c.Flag("nginx.config", "nginx.conf to read (with its includes). Default: `nginx -T` when nginx is on PATH, else /etc/nginx/nginx.conf.").PlaceHolder("PATH").StringVar(&o.nginxConfig)
	c.Flag("haproxy.config", "haproxy.cfg to read. Default: /etc/haproxy/haproxy.cfg when it exists.").PlaceHolder("PATH").StringVar(&o.haproxyConfig)
	c.Flag("config.file", "The exporter's configuration file: its logs, probe targets and discover settings.").PlaceHolder("FILE").StringVar(&o.configFile)
	c.Flag("nginx.binary", "nginx binary for `nginx -T` and `nginx -t`. Default: nginx on PATH.").PlaceHolder("PATH").StringVar(&o.nginxBinary)
	c.Flag("haproxy.binary", "haproxy binary for `haproxy -c`. Default: haproxy on PATH.").PlaceHolder("PATH").StringVar(&o.haproxyBinary)
	c.Flag("since", "How far back to read the proxies' logs.").Default("15m").DurationVar(&o.since)
	c.Flag("timeout", "Timeout of one probe or --url request.").Default("3s").DurationVar(&o.timeout)
	c.Flag("url", "A URL to request through the proxy (repeatable); its status is tied to the findings.").PlaceHolder("URL").StringsVar(&o.urls)
	c.Flag("output", "text (for a terminal), json (stable, for scripts) or markdown (for a ticket).").Default("text").EnumVar(&o.output, "text", "json", "markdown")
	return c, o
}

// runDiagnose runs the checklist and prints the report; the exit code is
// 0 when nothing is critical, 1 when something is, 2 when diagnose could
// not run.
func runDiagnose(ctx context.Context, o *diagnoseOptions, stdout, stderr io.Writer) int {
	r, err := checklist.Run(ctx, checklist.Options{
		NginxConfig: o.nginxConfig, HAProxyConfig: o.haproxyConfig, ConfigFile: o.configFile,
		NginxBinary: o.nginxBinary, HAProxyBinary: o.haproxyBinary,
		Since: o.since, Timeout: o.timeout, URLs: o.urls,
		Logs: diagnoseLogs, Host: diagnoseHost,
	})
	if err != nil {
		fmt.Fprintf(stderr, "diagnose: %v\n", err)
		return 2
	}
	switch o.output {
	case "json":
		var b []byte
		if b, err = r.JSON(); err == nil {
			_, err = stdout.Write(append(b, '\n'))
		}
	case "markdown":
		err = checklist.WriteMarkdown(stdout, r)
	default:
		err = checklist.WriteText(stdout, r)
	}
	if err != nil {
		fmt.Fprintf(stderr, "diagnose: %v\n", err)
		return 2
	}
	if r.Critical() {
		return 1
	}
	return 0
}
