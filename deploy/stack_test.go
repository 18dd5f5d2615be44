package deploy_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/haproxytest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// The deploy files the test runs, relative to this package.
const (
	nginxConf     = "nginx/nginx.conf"
	scenariosConf = "nginx/conf.d/scenarios.conf"
	untrustedCA   = "nginx/untrusted-ca.pem"
	haproxyCfg    = "haproxy/haproxy.cfg"
	exporterCfg   = "exporter/badgateway.yml"
)

// stack is the demo stack on loopback.
type stack struct {
	dir          string // the containers' paths live under it
	m            *mapping
	flaky        *flaky
	dns          *nxdomainServer
	exp          *exportertest.Exporter
	nginxAddr    string
	haproxyAddr  string
	syslogListen string
}

// startStack starts, in order: the DNS server, flaky-upstream, the exporter
// (listening for syslog before the proxies log), nginx and HAProxy, each
// with its deploy/ configuration mapped (see mapping).
func startStack(t *testing.T) *stack {
	t.Helper()
	nginxtest.RequireBinary(t) // skip or fail before starting anything
	haproxytest.Binary(t)
	s := &stack{dir: tempDir(t), dns: startNXDOMAIN(t)}
	for _, sub := range []string{"sockets", "logs", "cache", "nginx", "haproxy"} {
		if err := os.Mkdir(filepath.Join(s.dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	syslogPort, nginxPort, haproxyPort, statsPort := loopback.FreeUDPPort(t), loopback.FreeTCPPort(t), loopback.FreeTCPPort(t), loopback.FreeTCPPort(t)
	s.nginxAddr = "127.0.0.1:" + strconv.Itoa(nginxPort)
	s.haproxyAddr = "127.0.0.1:" + strconv.Itoa(haproxyPort)
	s.syslogListen = "127.0.0.1:" + strconv.Itoa(syslogPort)
	s.m = &mapping{hostPorts: map[string]string{}, literals: []literal{
		{from: "unix:/sockets/", to: "unix:" + s.dir + "/sockets/"},
		{from: "listen 80;", to: "listen " + s.nginxAddr + ";"},
		{from: "bind 0.0.0.0:8080", to: "bind " + s.haproxyAddr},
		{from: "bind 0.0.0.0:8404", to: fmt.Sprintf("bind 127.0.0.1:%d", statsPort)},
		{from: "resolver 127.0.0.11 ", to: "resolver " + s.dns.addr + " "},
		{from: "udp://0.0.0.0:5514", to: "udp://" + s.syslogListen},
		{from: "/var/run/nginx.pid", to: s.dir + "/nginx.pid"},
		{from: "/var/cache/nginx/", to: s.dir + "/cache/"},
		{from: "/var/log/badgateway/", to: s.dir + "/logs/"},
		{from: "/etc/nginx/", to: s.dir + "/nginx/"},
		{from: "/usr/local/etc/haproxy/", to: s.dir + "/haproxy/"},
	}}

	ip := flakyIP(t)
	s.flaky = startFlaky(t, ip, s.m)
	for _, hp := range containerHostPorts(t, nginxConf, scenariosConf, haproxyCfg) {
		switch addr, ok := s.flaky.listeners[hp]; {
		case ok:
			s.m.hostPorts[hp] = addr
		case hp == "exporter:5514":
			s.m.hostPorts[hp] = s.syslogListen
		case strings.HasPrefix(hp, "flaky:"):
			s.m.hostPorts[hp] = closedAddr(t, ip) // nothing listens there in the compose stack either
		default:
			t.Fatalf("no mapping for %s", hp)
		}
	}
	for _, f := range []string{nginxConf, scenariosConf, haproxyCfg} {
		s.m.writeMapped(t, f, filepath.Join(s.dir, f))
	}
	copyFile(t, untrustedCA, filepath.Join(s.dir, untrustedCA))
	expCfg := s.m.apply(t, exporterCfg, readFile(t, exporterCfg))
	s.m.checkUsed(t)
	t.Logf("mapping:\n%s", s.m)

	s.exp = exportertest.Start(t, expCfg)
	startNginx(t, filepath.Join(s.dir, "nginx"), s.nginxAddr)
	haproxytest.Start(t, readFile(t, filepath.Join(s.dir, haproxyCfg)))
	return s
}

// tempDir returns a directory the proxies' unprivileged workers can
// traverse (t.TempDir is 0700), with a short path for unix sockets.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "bgw-deploy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// flakyIP is the loopback address standing for the flaky container:
// 127.0.0.2, so that its peers are told apart from the proxies', or
// 127.0.0.1 where only that one works.
func flakyIP(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Logf("127.0.0.2 unusable (%v): flaky-upstream on 127.0.0.1", err)
		return "127.0.0.1"
	}
	_ = ln.Close()
	return "127.0.0.2"
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.WriteFile(dst, []byte(readFile(t, src)), 0o644); err != nil {
		t.Fatal(err)
	}
}
