// Package boundedcmd runs the external programs of the diagnose checks
// (iptables-save, nft, nginx -t, haproxy -c …) so that they can neither
// block diagnose nor fill its memory: the output kept is capped, and Wait
// gives up on pipes that a grandchild keeps open after the program ends
// or is killed.
package boundedcmd

import (
	"bytes"
	"context"
	"os/exec"
	"time"
)

// WaitDelay is how long Run waits, once the program has exited or been
// killed, for the pipes its children may keep open.
const WaitDelay = 5 * time.Second

// Run runs path with args until it ends or ctx is done (then it is
// killed). It returns what the program wrote to standard output and to
// standard error, each cut at max bytes (the rest is read and dropped), and
// the error of exec.Cmd.Run.
func Run(ctx context.Context, max int, path string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, path, args...)
	out, errOut := &Capped{Max: max}, &Capped{Max: max}
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.WaitDelay = WaitDelay
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}

// Capped is a writer that keeps the first Max bytes written to it and
// drops the rest. It does not embed a bytes.Buffer: io.Copy would use the
// buffer's ReadFrom and read past the cap.
type Capped struct {
	buf bytes.Buffer
	Max int
}

func (c *Capped) Write(p []byte) (int, error) {
	if room := c.Max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Bytes is what was kept.
func (c *Capped) Bytes() []byte { return c.buf.Bytes() }

// String is what was kept, as a string.
func (c *Capped) String() string { return c.buf.String() }
