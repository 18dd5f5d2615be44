package probe

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

// testTimeout is the deadline of a probe in tests whose peer never answers.
const testTimeout = 300 * time.Millisecond

// runProbe runs f once against t with a deadline and returns the result.
func runProbe(t *testing.T, f ProbeFunc, target Target, timeout time.Duration) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r := Result{Address: target.dialAddress(), Start: time.Now()}
	f(ctx, target, &r)
	return r
}

// wantCause checks a failed result's cause.
func wantCause(t *testing.T, r Result, want cause.Cause) {
	t.Helper()
	if r.Success || r.Cause != want {
		t.Errorf("result: success=%v cause=%v err=%q; want cause %v", r.Success, r.Cause, r.Err, want)
	}
}

func wantSuccess(t *testing.T, r Result) {
	t.Helper()
	if !r.Success || r.Cause != cause.None {
		t.Errorf("result: success=%v cause=%v err=%q; want success", r.Success, r.Cause, r.Err)
	}
}

// httpServer serves h on a loopback port until the test ends.
func httpServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	s := quietServer(h)
	s.Start()
	t.Cleanup(s.Close)
	return s.Listener.Addr().String()
}

// quietServer is an unstarted httptest server that does not log the
// protocol errors the tests provoke.
func quietServer(h http.Handler) *httptest.Server {
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	return s
}

// rawHTTP answers every connection's request with the bytes of resp.
func rawHTTP(resp string) func(net.Conn) {
	return func(c net.Conn) {
		readRequest(c)
		_, _ = c.Write([]byte(resp))
	}
}
