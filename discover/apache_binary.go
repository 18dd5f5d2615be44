package discover

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/badgateway/badgateway_exporter/probe"
)

// ApacheBinary discovers from the configuration the Apache binary would
// load: `binary args... -t -D DUMP_INCLUDES` (apachectl, apache2ctl, httpd
// or apache2) names its main file, which is then read with its includes.
func ApacheBinary(ctx context.Context, binary string, args []string, o Options) ([]probe.Target, []Unprobeable, error) {
	main, err := apacheMainFile(ctx, binary, args)
	if err != nil {
		return nil, nil, err
	}
	return ApacheFile(main, o)
}

// apacheMainFile runs the binary with -t -D DUMP_INCLUDES and returns the
// file marked (*) in its "Included configuration files:" list.
func apacheMainFile(ctx context.Context, binary string, args []string) (string, error) {
	cmd := exec.CommandContext(ctx, binary, append(append([]string{}, args...), "-t", "-D", "DUMP_INCLUDES")...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s -t -D DUMP_INCLUDES: %w: %s", binary, err, strings.TrimSpace(out.String()))
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if file, ok := strings.CutPrefix(strings.TrimSpace(line), "(*) "); ok && file != "" {
			return file, nil
		}
	}
	return "", fmt.Errorf("%s -t -D DUMP_INCLUDES: no main configuration file in its output: %q", binary, out.String())
}
