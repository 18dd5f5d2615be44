package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// ApacheBinary discovers from the configuration the Apache binary would
// load: `binary args... -t -D DUMP_INCLUDES` (apachectl, apache2ctl, httpd
// or apache2) names its main file, which is then read with its includes.
// `binary args... -S`, where it works, gives the defines in effect (`-D
// NAME` in args, Define), so that <IfDefine> is decided and `${NAME}`
// expanded as Apache does, and ServerRoot and the virtual hosts' files,
// which are read instead when DUMP_INCLUDES names no main file. -S reports
// the defines as they stand after reading the configuration, so an
// <IfDefine NAME> above the `Define NAME` that sets it reads as true here
// (Apache: false); `${NAME}` still takes each Define's value in order.
func ApacheBinary(ctx context.Context, binary string, args []string, o Options) ([]probe.Target, []Unprobeable, error) {
	main, errIncludes := apacheMainFile(ctx, binary, args)
	run, errRun := apacheRunConfig(ctx, binary, args)
	var ds []*apacheDirective
	var err error
	switch {
	case errIncludes == nil && errRun == nil:
		ds, err = readApacheFiles([]string{main}, run.rootFor(main), run.defines, true)
	case errIncludes == nil:
		ds, err = readApache(main)
	case errRun == nil && len(run.files) > 0:
		ds, err = readApacheFiles(run.files, run.serverRoot, run.defines, true)
	default:
		return nil, nil, errors.Join(errIncludes, errRun)
	}
	if err != nil {
		return nil, nil, err
	}
	ts, us := apache(ds, o)
	return ts, us, nil
}

// apacheMainFile runs the binary with -t -D DUMP_INCLUDES and returns the
// file marked (*) in its "Included configuration files:" list.
func apacheMainFile(ctx context.Context, binary string, args []string) (string, error) {
	out, err := runApache(ctx, binary, args, "-t", "-D", "DUMP_INCLUDES")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		if file, ok := strings.CutPrefix(strings.TrimSpace(line), "(*) "); ok && file != "" {
			return file, nil
		}
	}
	return "", fmt.Errorf("%s -t -D DUMP_INCLUDES: no main configuration file in its output: %q", binary, out)
}

func runApache(ctx context.Context, binary string, args []string, extra ...string) (string, error) {
	cmd := exec.CommandContext(ctx, binary, append(append([]string{}, args...), extra...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", binary, strings.Join(extra, " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// apacheRun is what `apachectl -S` says of the configuration.
type apacheRun struct {
	serverRoot string
	defines    map[string]string // Define: NAME[=VALUE], -D included
	files      []string          // the files the virtual hosts are defined in, each once
}

// rootFor is the ServerRoot -S gave, else the main file's directory.
func (r apacheRun) rootFor(main string) string {
	if r.serverRoot != "" {
		return r.serverRoot
	}
	return filepath.Dir(main)
}

var vhostFile = regexp.MustCompile(`\((/[^()]+):[0-9]+\)\s*$`)

// apacheRunConfig runs the binary with -S and reads its output.
func apacheRunConfig(ctx context.Context, binary string, args []string) (apacheRun, error) {
	out, err := runApache(ctx, binary, args, "-S")
	if err != nil {
		return apacheRun{}, err
	}
	return parseApacheRun(out), nil
}

// parseApacheRun reads `apachectl -S` output (DUMP_VHOSTS and
// DUMP_RUN_CFG). The defines -S itself sets are left out.
func parseApacheRun(out string) apacheRun {
	r := apacheRun{defines: map[string]string{}}
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Define: "):
			name, value, _ := strings.Cut(strings.TrimPrefix(line, "Define: "), "=")
			if name != "DUMP_VHOSTS" && name != "DUMP_RUN_CFG" && name != "" {
				r.defines[name] = value
			}
		case strings.HasPrefix(line, "ServerRoot: "):
			r.serverRoot = strings.Trim(strings.TrimPrefix(line, "ServerRoot: "), `"`)
		default:
			if m := vhostFile.FindStringSubmatch(line); m != nil && !seen[m[1]] {
				seen[m[1]] = true
				r.files = append(r.files, m[1])
			}
		}
	}
	return r
}
