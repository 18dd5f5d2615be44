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

	"github.com/badgateway/badgateway_exporter/cause"
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
		want cause.Cause
	}{
		{op(syscall.ECONNREFUSED), stageConnect, cause.ConnectionRefused},
		{op(syscall.EHOSTDOWN), stageConnect, cause.HostUnreachable},
		{op(syscall.ENETDOWN), stageConnect, cause.NetworkUnreachable},
		{op(syscall.EADDRNOTAVAIL), stageConnect, cause.LocalAddressUnavailable},
		{op(syscall.EPERM), stageConnect, cause.PermissionDenied},
		{op(syscall.ETIMEDOUT), stageConnect, cause.ConnectTimeout},
		{op(syscall.ETIMEDOUT), stageHeaders, cause.ReadTimeout},
		{op(syscall.EPIPE), stageSend, cause.ConnectionReset},
		{op(syscall.EAGAIN), stageHeaders, cause.ReadTimeout}, // Errno.Timeout()
		{fmt.Errorf("x: %w", context.DeadlineExceeded), stageSend, cause.SendTimeout},
		{os.ErrDeadlineExceeded, stageBody, cause.ReadTimeout},
		{context.DeadlineExceeded, stageTLS, cause.ConnectTimeout},
		{context.Canceled, stageHeaders, cause.None},
		{io.ErrUnexpectedEOF, stageBody, cause.PrematureClose},
		{io.EOF, stageConnect, cause.None},
		{&net.DNSError{Err: "no such host", IsNotFound: true}, stageConnect, cause.DNSFailure},
		{errors.New("anything"), stageResolve, cause.DNSFailure},
		{tls.RecordHeaderError{Msg: "x"}, stageTLS, cause.ProtocolError},
		{&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, stageTLS, cause.TLSVerifyFailed},
		{x509.HostnameError{}, stageTLS, cause.TLSVerifyFailed},
		{tls.AlertError(40), stageTLS, cause.TLSHandshakeFailed},
		{op(syscall.ECONNRESET), stageTLS, cause.TLSHandshakeFailed},
		{errors.New("too many open files"), stageConnect, cause.None},
		{nil, stageBody, cause.None},
	} {
		if got := classify(tc.err, tc.st); got != tc.want {
			t.Errorf("classify(%v, %s) = %v, want %v", tc.err, tc.st, got, tc.want)
		}
	}
}
