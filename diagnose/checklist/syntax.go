package checklist

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/diagnose/internal/boundedcmd"
)

// maxSyntaxOutput bounds what is kept of the output of nginx -t or
// haproxy -c (each stream): only its last lines are shown.
const maxSyntaxOutput = 1 << 20

// syntaxCheck runs `nginx -t` or `haproxy -c` on a proxy's configuration:
// a configuration that does not load is a warning (the running proxy keeps
// its old one, the next reload or restart fails). Without the binary the
// check is skipped.
func syntaxCheck(ctx context.Context, p *Proxy, timeout time.Duration) (*diagnose.Finding, *diagnose.Skipped) {
	var args []string
	var what string
	switch p.Kind {
	case "nginx":
		what = "nginx -t"
		args = append(append(args, p.Args...), "-t")
		if !hasArg(p.Args, "-c") && p.File != "" {
			args = append(args, "-c", p.File)
		}
	case "haproxy":
		what = "haproxy -c"
		args = []string{"-c", "-f", p.File}
	default:
		return nil, nil
	}
	if p.Binary == "" {
		return nil, &diagnose.Skipped{Check: diagnose.CheckConfig, Reason: fmt.Sprintf("%s: %s is not installed on this host (not on PATH)", what, p.Kind)}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stdout, stderr, err := boundedcmd.Run(ctx, maxSyntaxOutput, p.Binary, args...)
	if err == nil {
		return nil, nil
	}
	msg := lastLines(string(stdout)+"\n"+string(stderr), 3, 600)
	if ctx.Err() != nil {
		return nil, &diagnose.Skipped{Check: diagnose.CheckConfig, Reason: fmt.Sprintf("%s did not finish within %v", what, timeout)}
	}
	if os.Geteuid() != 0 && strings.Contains(msg, "Permission denied") {
		return nil, &diagnose.Skipped{Check: diagnose.CheckConfig, Reason: fmt.Sprintf("%s needs root here: %s", what, msg)}
	}
	return &diagnose.Finding{
		Severity: diagnose.Warning, Check: diagnose.CheckConfig,
		Summary:  fmt.Sprintf("%s fails: the next reload or restart of %s will fail", what, p.Kind),
		Evidence: []string{fmt.Sprintf("%s %s: %v: %s", p.Binary, strings.Join(args, " "), err, msg)},
		Fix:      fmt.Sprintf("fix the error %s reports above in %s, run %s again, then reload (systemctl reload %s)", what, p.File, what, p.Kind),
	}, nil
}

func hasArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}

// lastLines returns the last n non-empty lines of s, at most max bytes.
func lastLines(s string, n, max int) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	out := strings.Join(keep, " | ")
	if len(out) > max {
		out = out[:max] + "…"
	}
	return out
}
