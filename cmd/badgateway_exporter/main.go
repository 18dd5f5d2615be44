// Command badgateway_exporter follows nginx logs, labels every upstream
// failure (502/503/504) with its cause and serves the counts to Prometheus.
// Its classify subcommand triages a log file without Prometheus; diagnose
// runs the 502 checklist on the host and prints the fix.
package main

import (
	"context"
	"io"
	"os"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
)

const programName = "badgateway_exporter"

// devVersion is reported when the build did not set version.Version via -ldflags.
const devVersion = "0.1.0-dev"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run parses the command line and runs the chosen command; it returns the
// process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run, stopped by cancelling ctx as by SIGTERM.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if version.Version == "" {
		version.Version = devVersion
	}
	app := kingpin.New(programName, "Labels nginx, HAProxy and Apache httpd upstream failures (502/503/504) by cause and exports them to Prometheus.")
	app.Writer(stdout)
	app.ErrorWriter(stderr)
	app.Terminate(nil)
	app.UsageWriter(stdout)
	app.Version(version.Print(programName))
	app.HelpFlag.Short('h')
	app.UsageTemplate(usageTemplate)

	logConfig := &promslog.Config{}
	promslogflag.AddFlags(app, logConfig)

	serve := &serveOptions{}
	serveCmd := app.Command("serve", "Follow the configured logs and serve /metrics (the default command).").Default()
	serveCmd.Flag("config.file", "Configuration file (YAML). Without it, "+defaultConfigHint+".").PlaceHolder("FILE").StringVar(&serve.configFile)
	serveCmd.Flag("config.check", "Validate the configuration file and exit.").BoolVar(&serve.checkOnly)
	serveCmd.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").StringVar(&serve.telemetryPath)
	serveCmd.Flag("web.disable-exporter-metrics", "Exclude the exporter's own Go runtime, process and promhttp metrics from /metrics.").BoolVar(&serve.disableExporterMetrics)
	serveCmd.Flag("web.max-requests", "Maximum number of parallel scrape requests. 0 disables the limit.").Default("40").IntVar(&serve.maxRequests)
	serveCmd.Flag("web.max-connections", "Maximum number of simultaneous connections; further ones are closed at once. 0 disables the limit.").Default("512").IntVar(&serve.maxConnections)
	serveCmd.Flag("web.read-header-timeout", "Time a client has to send its request headers (and finish the TLS handshake). 0 disables the limit.").Default("10s").DurationVar(&serve.readHeaderTimeout)
	serveCmd.Flag("web.idle-timeout", "Time an idle keep-alive connection is kept open. 0 disables the limit.").Default("2m").DurationVar(&serve.idleTimeout)
	serveCmd.Flag("web.enable-lifecycle", "Enable reloading the configuration via HTTP (POST /-/reload). SIGHUP always reloads.").BoolVar(&serve.enableLifecycle)
	serve.web = kingpinflag.AddFlags(serveCmd, ":9502")

	classify := &classifyOptions{}
	classifyCmd := app.Command("classify", "Classify the lines of log files (or stdin) and print what failed and why, without Prometheus.")
	classifyCmd.Flag("proxy", "Which proxy wrote the lines: auto (decides per line), nginx, haproxy, apache, aws_alb or aws_elb (AWS load balancer access logs; .gz files are decompressed).").Default("auto").EnumVar(&classify.proxy, "auto", "nginx", "haproxy", "apache", "aws_alb", "aws_elb")
	classifyCmd.Flag("output", "table (counts by cause and upstream with fix hints) or jsonl (one JSON object per input line).").Default("table").EnumVar(&classify.output, "table", "jsonl")
	classifyCmd.Arg("file", "Log files to read; none or - reads standard input.").StringsVar(&classify.files)

	diagnoseCmd, diagnose := addDiagnoseCommand(app)

	exited := false
	exitCode := 0
	app.Terminate(func(code int) { exited, exitCode = true, code })
	cmd, err := app.Parse(args)
	if exited { // --help or --version
		return exitCode
	}
	if err != nil {
		app.Errorf("%v; try --help", err) //nolint:errcheck
		return 2
	}
	logger := promslog.New(&promslog.Config{Level: logConfig.Level, Format: logConfig.Format, Writer: stderr})
	switch cmd {
	case classifyCmd.FullCommand():
		return runClassify(classify, stdin, stdout, stderr)
	case diagnoseCmd.FullCommand():
		return runDiagnose(ctx, diagnose, stdout, stderr)
	case serveCmd.FullCommand():
		return runServe(ctx, serve, logger, stdout)
	}
	return 2
}
