package backend

import (
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

// stopTimeout bounds how long a test cleanup waits for a backend to stop.
const stopTimeout = 5 * time.Second

// ForTest starts a backend of the given mode on 127.0.0.1, a random port,
// stops it in tb.Cleanup and returns its address ("127.0.0.1:port").
func ForTest(tb testing.TB, mode Mode) string {
	tb.Helper()
	return ForTestWith(tb, mode, Options{})
}

// ForTestWith is ForTest with options for the modes that take some.
func ForTestWith(tb testing.TB, mode Mode, o Options) string {
	tb.Helper()
	s, err := StartWith("127.0.0.1:0", mode, o)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	tb.Cleanup(func() {
		errc := make(chan error, 1)
		go func() { errc <- s.Close() }()
		select {
		case err := <-errc:
			if err != nil {
				tb.Errorf("backend %v on %s: %v", mode, s.Addr(), err)
			}
		case <-time.After(stopTimeout):
			tb.Errorf("backend %v on %s did not stop within %v", mode, s.Addr(), stopTimeout)
		}
	})
	return s.Addr()
}

// ClosedPort returns a 127.0.0.1 address where nothing listens, so that
// connecting to it is refused (ECONNREFUSED). The port stays reserved (bound,
// never listening) until the test ends, so no other backend can get it
// meanwhile; see loopback.ClosedTCPAddr.
func ClosedPort(tb testing.TB) string {
	tb.Helper()
	return loopback.ClosedTCPAddr(tb)
}

// AcceptAndClose starts a ModeAcceptAndClose backend; see ForTest.
func AcceptAndClose(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeAcceptAndClose)
}

// NeverAnswer starts a ModeNeverAnswer backend; see ForTest.
func NeverAnswer(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeNeverAnswer)
}

// ResetAfterRequest starts a ModeResetAfterRequest backend; see ForTest.
func ResetAfterRequest(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeResetAfterRequest)
}

// HTTPOK starts a ModeHTTPOK backend; see ForTest.
func HTTPOK(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeHTTPOK)
}

// HugeHeader starts a ModeHugeHeader backend; see ForTest.
func HugeHeader(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeHugeHeader)
}

// InvalidHeader starts a ModeInvalidHeader backend; see ForTest.
func InvalidHeader(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeInvalidHeader)
}

// Slow starts a ModeSlow backend answering after delay; see ForTest.
func Slow(tb testing.TB, delay time.Duration) string {
	tb.Helper()
	return ForTestWith(tb, ModeSlow, Options{Delay: delay})
}

// TLSOnly starts a ModeTLS backend with a self-signed certificate; see
// ForTest.
func TLSOnly(tb testing.TB) string {
	tb.Helper()
	return ForTest(tb, ModeTLS)
}
