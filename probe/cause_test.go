package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// TestClassify covers the mapping itself; the tests of each module produce
// the same errors from real peers.
func TestClassify(t *testing.T) {
	op := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	for _, tc := range []struct {
		err  error
		st   stage
		want logparse.Cause
	}{
		{op(syscall.ECONNREFUSED), stageConnect, logparse.CauseConnectionRefused},
		{op(syscall.EHOSTDOWN), stageConnect, logparse.CauseHostUnreachable},
		{op(syscall.ENETDOWN), stageConnect, logparse.CauseNetworkUnreachable},
		{op(syscall.EADDRNOTAVAIL), stageConnect, logparse.CauseLocalAddressUnavailable},
		{op(syscall.EPERM), stageConnect, logparse.CausePermissionDenied},
		{op(syscall.ETIMEDOUT), stageConnect, logparse.CauseConnectTimeout},
		{op(syscall.ETIMEDOUT), stageHeaders, logparse.CauseReadTimeout},
		{op(syscall.EPIPE), stageSend, logparse.CauseConnectionReset},
		{op(syscall.EAGAIN), stageHeaders, logparse.CauseReadTimeout}, // Errno.Timeout()
		{fmt.Errorf("x: %w", context.DeadlineExceeded), stageSend, logparse.CauseSendTimeout},
		{os.ErrDeadlineExceeded, stageBody, logparse.CauseReadTimeout},
		{context.DeadlineExceeded, stageTLS, logparse.CauseConnectTimeout},
		{context.Canceled, stageHeaders, logparse.CauseNone},
		{io.ErrUnexpectedEOF, stageBody, logparse.CausePrematureClose},
		{io.EOF, stageConnect, logparse.CauseNone},
		{&net.DNSError{Err: "no such host", IsNotFound: true}, stageConnect, logparse.CauseDNSFailure},
		{errors.New("anything"), stageResolve, logparse.CauseDNSFailure},
		{tls.RecordHeaderError{Msg: "x"}, stageTLS, logparse.CauseProtocolError},
		{&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, stageTLS, logparse.CauseTLSVerifyFailed},
		{x509.HostnameError{}, stageTLS, logparse.CauseTLSVerifyFailed},
		{tls.AlertError(40), stageTLS, logparse.CauseTLSHandshakeFailed},
		{op(syscall.ECONNRESET), stageTLS, logparse.CauseTLSHandshakeFailed},
		{errors.New("too many open files"), stageConnect, logparse.CauseNone},
		{nil, stageBody, logparse.CauseNone},
	} {
		if got := classify(tc.err, tc.st); got != tc.want {
			t.Errorf("classify(%v, %s) = %v, want %v", tc.err, tc.st, got, tc.want)
		}
	}
}
