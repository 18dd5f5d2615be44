package probe

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

func TestTCP(t *testing.T) {
	open := probetest.Serve(t, "tcp", "127.0.0.1:0", func(net.Conn) {}).Addr().String()
	r := runProbe(t, ProbeTCP, Target{Address: open, Module: ModuleTCP}, 5*time.Second)
	wantSuccess(t, r)
	if r.Phases[PhaseConnect] <= 0 || r.Phases[PhaseProcessing] != 0 {
		t.Errorf("phases %v", r.Phases)
	}
	wantCause(t, runProbe(t, ProbeTCP, Target{Address: probetest.ClosedPort(t), Module: ModuleTCP}, 5*time.Second), cause.ConnectionRefused)
	wantCause(t, runProbe(t, ProbeTCP, Target{Address: probetest.FullBacklog(t), Module: ModuleTCP}, testTimeout), cause.ConnectTimeout)
}

func TestTCPUnixSockets(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.sock")
	probetest.Serve(t, "unix", live, func(net.Conn) {})
	wantSuccess(t, runProbe(t, ProbeTCP, Target{Address: "unix:" + live, Module: ModuleTCP}, 5*time.Second))

	missing := filepath.Join(dir, "missing.sock")
	wantCause(t, runProbe(t, ProbeTCP, Target{Address: "unix:" + missing, Module: ModuleTCP}, 5*time.Second), cause.SocketNotFound)

	// A stale socket file: the process that listened is gone.
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(stale); err != nil {
		t.Fatal(err)
	}
	wantCause(t, runProbe(t, ProbeTCP, Target{Address: "unix:" + stale, Module: ModuleTCP}, 5*time.Second), cause.ConnectionRefused)

	full := filepath.Join(dir, "full.sock")
	probetest.UnixFullBacklog(t, full)
	wantCause(t, runProbe(t, ProbeTCP, Target{Address: "unix:" + full, Module: ModuleTCP}, 5*time.Second), cause.BacklogFull)
}
