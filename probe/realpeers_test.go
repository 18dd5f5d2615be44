package probe

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/probe/probetest"
)

// Protocol mismatches against the real servers the probes meet: nginx and
// HAProxy, each with a plain and a TLS listener on loopback.

func TestProtocolMismatchNginx(t *testing.T) {
	cert := probetest.SelfSigned(t, time.Hour, "127.0.0.1")
	tlsPort := nginxtest.FreePort(t)
	n := nginxtest.Start(t, fmt.Sprintf(`
    server {
        listen {{listen}};
        location / { return 200 "plain\n"; }
    }
    server {
        listen 127.0.0.1:%d ssl;
        ssl_certificate %s;
        ssl_certificate_key %s;
        location / { return 200 "tls\n"; }
    }
    server {
        listen unix:{{dir}}/app.sock;
        location / { return 204; }
    }`, tlsPort, cert.CertFile, cert.KeyFile))
	plain, secure := n.Addr(), "127.0.0.1:"+strconv.Itoa(tlsPort)
	trusted := &TLSOptions{VerifyName: "127.0.0.1", CAFile: cert.CAFile}
	for _, tc := range []struct {
		name string
		f    ProbeFunc
		t    Target
		want cause.Cause
	}{
		{"http to plain", ProbeHTTP, Target{Address: plain}, cause.None},
		{"https to TLS", ProbeHTTP, Target{Address: secure, TLS: trusted}, cause.None},
		{"http over a unix socket", ProbeHTTP, Target{Address: "unix:" + filepath.Join(n.Dir(), "app.sock")}, cause.None},
		{"plain HTTP to the TLS port", ProbeHTTP, Target{Address: secure}, cause.ProtocolError},
		{"https to the plain port", ProbeHTTP, Target{Address: plain, TLS: trusted}, cause.ProtocolError},
		{"tls to the plain port", ProbeTLS, Target{Address: plain, TLS: trusted}, cause.ProtocolError},
		{"tls, untrusted", ProbeTLS, Target{Address: secure}, cause.TLSVerifyFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runProbe(t, tc.f, tc.t, 5*time.Second)
			if tc.want == cause.None {
				wantSuccess(t, r)
			} else {
				wantCause(t, r, tc.want)
			}
			if r.Err != "" {
				t.Logf("%s", r.Err)
			}
		})
	}
}

func TestProtocolMismatchHAProxy(t *testing.T) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/haproxy"); err2 != nil {
			if nginxtest.E2ERequired() {
				t.Fatal("haproxy not found")
			}
			t.Skipf("haproxy not found: %v", err)
		}
		bin = "/usr/sbin/haproxy"
	}
	cert := probetest.SelfSigned(t, time.Hour, "127.0.0.1")
	dir := t.TempDir()
	pem := filepath.Join(dir, "site.pem")
	certPEM, err := os.ReadFile(cert.CertFile)
	if err != nil {
		t.Fatalf("read the test certificate: %v", err)
	}
	keyPEM, err := os.ReadFile(cert.KeyFile)
	if err != nil {
		t.Fatalf("read the test key: %v", err)
	}
	if err := os.WriteFile(pem, append(certPEM, keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	plainPort, tlsPort := nginxtest.FreePort(t), nginxtest.FreePort(t)
	cfg := fmt.Sprintf(`defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend plain
    bind 127.0.0.1:%d
    http-request return status 200
frontend secure
    bind 127.0.0.1:%d ssl crt %s
    http-request return status 200
`, plainPort, tlsPort, pem)
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-db", "-q", "-f", path)
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	plain, secure := "127.0.0.1:"+strconv.Itoa(plainPort), "127.0.0.1:"+strconv.Itoa(tlsPort)
	waitFor(t, "haproxy listening", func() bool {
		c, err := net.Dial("tcp", secure)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	insecure := &TLSOptions{InsecureSkipVerify: true}
	wantSuccess(t, runProbe(t, ProbeHTTP, Target{Address: plain}, 5*time.Second))
	wantSuccess(t, runProbe(t, ProbeHTTP, Target{Address: secure, TLS: insecure}, 5*time.Second))
	for name, r := range map[string]Result{
		"plain HTTP to the TLS port": runProbe(t, ProbeHTTP, Target{Address: secure}, 5*time.Second),
		"https to the plain port":    runProbe(t, ProbeHTTP, Target{Address: plain, TLS: insecure}, 5*time.Second),
		"tls to the plain port":      runProbe(t, ProbeTLS, Target{Address: plain, TLS: insecure}, 5*time.Second),
	} {
		if r.Cause != cause.ProtocolError {
			t.Errorf("%s: cause %v (%s), want protocol_error", name, r.Cause, r.Err)
		}
		t.Logf("%s: %s", name, r.Err)
	}
}
