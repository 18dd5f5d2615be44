package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/badgateway/badgateway_exporter/cause"
)

// stage is how far a probe got; with the error it decides the cause, as
// nginx's "while …" action does in its error log.
type stage uint8

const (
	stageResolve stage = iota
	stageConnect
	stageTLS
	stageSend    // writing the request
	stageHeaders // waiting for and reading the response header
	stageBody    // reading the response body
)

func (s stage) String() string {
	return [...]string{"resolving", "connecting", "TLS handshaking", "sending the request", "reading the response header", "reading the response body"}[s]
}

// verifyError is a certificate the probe's own verification rejected.
type verifyError struct{ err error }

func (e *verifyError) Error() string { return "certificate verify failed: " + e.err.Error() }
func (e *verifyError) Unwrap() error { return e.err }

// classify maps a probe error to the cause the log classifier uses for the
// same failure (causes.md §3.1). It returns cause.None for errors that are
// not the upstream's doing: the probe was cancelled, or the prober itself
// failed (for example, out of file descriptors).
func classify(err error, st stage) cause.Cause {
	if err == nil || errors.Is(err, context.Canceled) {
		return cause.None
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) || st == stageResolve {
		return cause.DNSFailure
	}
	if st == stageTLS {
		return classifyTLS(err)
	}
	if c := errnoCause(err, st); c != cause.None {
		return c
	}
	switch {
	case isTimeout(err):
		return timeoutCause(st)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if st >= stageSend {
			return cause.PrematureClose
		}
	}
	return cause.None
}

// classifyTLS handles errors of the handshake: nginx logs all of them as
// "SSL_do_handshake() failed … while SSL handshaking to upstream", except
// certificate checks and timeouts.
func classifyTLS(err error) cause.Cause {
	var (
		verr     *verifyError
		cverr    *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		rec      tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &verr), errors.As(err, &cverr), errors.As(err, &unknown),
		errors.As(err, &hostname), errors.As(err, &invalid):
		return cause.TLSVerifyFailed
	case errors.As(err, &rec):
		// The peer's first bytes are not a TLS record: it speaks something
		// else, typically plain HTTP ("HTTP/" in the record header).
		return cause.ProtocolError
	case isTimeout(err):
		return cause.ConnectTimeout
	}
	return cause.TLSHandshakeFailed
}

// errnoCause maps the errno inside err, with the same table as the log
// classifier's connect() and recv() errors.
func errnoCause(err error, st stage) cause.Cause {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return cause.None
	}
	switch errno {
	case syscall.ECONNREFUSED:
		return cause.ConnectionRefused
	case syscall.EHOSTUNREACH, syscall.EHOSTDOWN:
		return cause.HostUnreachable
	case syscall.ENETUNREACH, syscall.ENETDOWN, syscall.EAFNOSUPPORT:
		return cause.NetworkUnreachable
	case syscall.EADDRNOTAVAIL:
		return cause.LocalAddressUnavailable
	case syscall.ENOENT:
		return cause.SocketNotFound
	case syscall.EACCES, syscall.EPERM:
		return cause.PermissionDenied
	case syscall.EAGAIN:
		if st == stageConnect { // a unix socket's accept queue is full
			return cause.BacklogFull
		}
	case syscall.ECONNRESET, syscall.EPIPE:
		return cause.ConnectionReset
	case syscall.ETIMEDOUT: // the kernel gave up retransmitting
		return timeoutCause(st)
	}
	return cause.None
}

func timeoutCause(st stage) cause.Cause {
	switch st {
	case stageResolve:
		return cause.DNSFailure
	case stageConnect, stageTLS:
		return cause.ConnectTimeout
	case stageSend:
		return cause.SendTimeout
	}
	return cause.ReadTimeout
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
