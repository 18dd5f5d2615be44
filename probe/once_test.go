package probe

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

func TestOnceProbesEveryTargetWithinItsTimeout(t *testing.T) {
	refused := probetest.ClosedPort(t)
	stalled := probetest.Serve(t, "tcp", "127.0.0.1:0", probetest.Stall).Addr().String()
	ok := probetest.Serve(t, "tcp", "127.0.0.1:0", func(c net.Conn) { c.Close() }).Addr().String()
	ts := []Target{
		{Address: refused, Module: ModuleTCP},
		{Address: stalled, Module: ModuleHTTP},
		{Address: ok, Module: ModuleTCP},
	}
	got, err := Once(context.Background(), ts, Options{Timeout: 300 * time.Millisecond, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got[0]) != 1 || len(got[1]) != 1 || len(got[2]) != 1 {
		t.Fatalf("results %+v", got)
	}
	if got[0][0].Cause != cause.ConnectionRefused || got[0][0].Upstream != refused {
		t.Errorf("refused: %+v", got[0][0])
	}
	if got[1][0].Cause != cause.ReadTimeout {
		t.Errorf("stalled: %+v", got[1][0])
	}
	if !got[2][0].Success {
		t.Errorf("ok: %+v", got[2][0])
	}
}

func TestOnceCancelledReturnsAFailedResultForEachTarget(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ts := make([]Target, 5)
	for i := range ts {
		ts[i] = Target{Address: probetest.ClosedPort(t), Module: ModuleTCP}
	}
	got, err := Once(ctx, ts, Options{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, rs := range got {
		if len(rs) == 0 || rs[0].Success {
			t.Fatalf("target %d: %+v", i, rs)
		}
	}
}
