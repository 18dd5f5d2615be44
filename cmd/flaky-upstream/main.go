// Command flaky-upstream is the chaos backend of the demo stack and of the
// end-to-end tests: one program that serves each classic upstream failure
// on its own listener, so that nginx or HAProxy in front of it logs exactly
// that failure and badgateway_exporter names its cause.
//
//	flaky-upstream --listen.healthy=:8080 --listen.slow=:8081 --slow.delay=30s \
//	  --listen.close=:8082 --listen.reset=:8083 --listen.bigheader=:8084 \
//	  --listen.badheader=:8085 --listen.crash=:8086 --listen.tls=:8443 \
//	  --listen.healthy=unix:/sockets/app.sock
//
// Every --listen.MODE flag is repeatable and takes host:port or
// unix:/path; the modes (healthy, slow, hang, close, reset, bigheader,
// badheader, crash, tls) are those of internal/backend. It logs one
// "listening" line per listener with the address it got, so that port 0
// works.
// "crash" closes the connection in the middle of the response header, like
// a worker process that died; with --crash.exit the whole program exits
// with status 3 after the first crash, for trying a supervisor's restart.
// SIGTERM and SIGINT stop it gracefully (exit status 0).
package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/badgateway/badgateway_exporter/internal/backend"
)

// crashExitCode is the exit status after a crash with --crash.exit.
const crashExitCode = 3

// modes maps the name in --listen.NAME to the backend mode, in the order
// of --help.
var modes = []struct {
	name string
	mode backend.Mode
	help string
}{
	{"healthy", backend.ModeHTTPOK, "answers 200 \"ok\" to everything"},
	{"slow", backend.ModeSlow, "answers 200 after --slow.delay (a proxy with a shorter read timeout answers 504)"},
	{"hang", backend.ModeNeverAnswer, "reads the request and never answers"},
	{"close", backend.ModeAcceptAndClose, "reads the request, then closes the connection without a word"},
	{"reset", backend.ModeResetAfterRequest, "reads the request, then resets the connection (RST)"},
	{"bigheader", backend.ModeHugeHeader, "answers with a 64 KiB response header"},
	{"badheader", backend.ModeInvalidHeader, "answers with a header name containing a NUL byte"},
	{"crash", backend.ModeCrash, "dies in the middle of the response header (see --crash.exit)"},
	{"tls", backend.ModeTLS, "speaks TLS only (self-signed certificate made at start), then answers 200 \"ok\""},
}

// exit ends the process; tests replace it.
var exit = os.Exit

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	listens   map[string]*[]string
	delay     time.Duration
	crashExit bool
	tlsHosts  []string
	unixMode  string
}

// run parses args and serves until ctx is done or a listener fails. It
// returns the exit status: 0 after ctx is done, 1 when serving fails, 2 for
// a bad command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := kingpin.New("flaky-upstream", "A misbehaving upstream: serves one failure mode per listener, for nginx and HAProxy to fail on.")
	app.Writer(stdout)
	app.ErrorWriter(stderr)
	app.UsageWriter(stdout)
	app.HelpFlag.Short('h')
	o := options{listens: map[string]*[]string{}}
	for _, m := range modes {
		o.listens[m.name] = app.Flag("listen."+m.name, "Serve mode "+m.name+" on ADDR (host:port or unix:/path; repeatable): "+m.help+".").PlaceHolder("ADDR").Strings()
	}
	app.Flag("slow.delay", "How long mode slow waits before answering.").Default(backend.DefaultSlowDelay.String()).DurationVar(&o.delay)
	app.Flag("crash.exit", "Exit with status "+strconv.Itoa(crashExitCode)+" after the first crash, as a real crash would (run it under a supervisor that restarts it).").BoolVar(&o.crashExit)
	app.Flag("tls.host", "Name or IP address in the self-signed certificate of mode tls (repeatable).").Default("localhost", "127.0.0.1", "::1").StringsVar(&o.tlsHosts)
	app.Flag("unix.mode", "Permissions of unix sockets, in octal: the proxy's worker user must be able to write to them.").Default("0666").StringVar(&o.unixMode)

	exited, exitCode := false, 0
	app.Terminate(func(code int) { exited, exitCode = true, code })
	_, err := app.Parse(args)
	if exited { // --help
		return exitCode
	}
	if err != nil {
		app.Errorf("%v; try --help", err) //nolint:errcheck
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	return serve(ctx, o, logger)
}
