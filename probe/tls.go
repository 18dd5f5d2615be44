package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
)

// ProbeTLS connects and completes a TLS handshake: SNI and verification as
// t.TLS says (by default SNI and verification against the host of
// Address), recording the leaf certificate's expiry even when verification
// is off or fails.
func ProbeTLS(ctx context.Context, t Target, r *Result) {
	tr := &tracker{}
	defer tr.fill(r)
	defer tr.finish()
	traced, _ := withTrace(ctx, tr)
	c, err := connect(traced, t, tr, true, t.tlsOptions())
	if err != nil {
		r.fail(classify(err, tr.current()), err)
		recheckTLS(ctx, t, r, tr) // untraced: a second connection is no phase of this one
		return
	}
	c.Close()
	r.Success = true
}

// tlsOptions returns t.TLS, or the defaults: SNI and certificate name are
// the host of Address (no SNI for an IP address), system roots.
func (t Target) tlsOptions() TLSOptions {
	if t.TLS != nil {
		return *t.TLS
	}
	var o TLSOptions
	if network, host, _, err := splitAddress(t.Address); err == nil && network == "tcp" {
		o.VerifyName = host
		if net.ParseIP(host) == nil {
			o.ServerName = host
		}
	}
	return o
}

// tlsConfig builds the client configuration. Go's own verification is off:
// VerifyConnection checks the chain and, when VerifyName is set, the name,
// so that verification and SNI can be set apart (nginx verifies
// proxy_ssl_name without sending SNI unless proxy_ssl_server_name is on;
// HAProxy checks the chain only when no name is given) and the leaf's
// expiry is known even for a certificate that fails.
func tlsConfig(o TLSOptions, tr *tracker) (*tls.Config, error) {
	var roots *x509.CertPool
	if o.CAFile != "" && !o.InsecureSkipVerify {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA file: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in CA file %s", o.CAFile)
		}
	}
	return &tls.Config{
		ServerName:         o.ServerName,
		InsecureSkipVerify: true, // verified in VerifyConnection
		NextProtos:         []string{"http/1.1"},
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return &verifyError{errors.New("no certificate")}
			}
			leaf := cs.PeerCertificates[0]
			tr.mu.Lock()
			tr.notAfter = leaf.NotAfter
			tr.mu.Unlock()
			if o.InsecureSkipVerify {
				return nil
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: o.VerifyName})
			if err != nil {
				return &verifyError{err}
			}
			return nil
		},
	}, nil
}
