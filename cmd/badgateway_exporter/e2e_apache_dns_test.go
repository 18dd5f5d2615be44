package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/apachetest"
	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

// The dns_failure test runs Apache in a network namespace of its own with
// nothing but lo, whose resolv.conf (`ip netns exec` bind-mounts
// /etc/netns/NAME/resolv.conf over /etc/resolv.conf) names a DNS server
// this test binary runs in that namespace, answering NXDOMAIN: Apache's
// lookup goes through the system resolver and no packet can leave the host.
// In the same namespace, 192.0.2.0/24 (TEST-NET-1) has an unreachable route
// (EHOSTUNREACH) and 198.51.100.0/24 none at all (ENETUNREACH): connects
// there fail in the kernel, before any packet.

// netnsHelperEnv makes the test binary a helper in the namespace instead of
// running tests: "dns" (the NXDOMAIN server) or "get URL" (one request).
const netnsHelperEnv = "BADGATEWAY_APACHE_NETNS_HELPER"

// unresolvable is the backend name Apache is given; only the test's DNS
// server is asked for it.
const unresolvable = "backend.bgw-nxdomain.test"

// Addresses of the documentation ranges: with an unreachable route, and
// without a route, in the namespace.
const (
	hostUnreachable = "192.0.2.1:80"
	netUnreachable  = "198.51.100.1:80"
)

func init() {
	if h := os.Getenv(netnsHelperEnv); h != "" {
		os.Exit(runNetnsHelper(h))
	}
}

func runNetnsHelper(h string) int {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) != 1 || ifs[0].Flags&net.FlagLoopback == 0 {
		fmt.Fprintf(os.Stderr, "refusing to run outside a namespace with only lo: interfaces %v, %v\n", ifs, err)
		return 3
	}
	if url, ok := strings.CutPrefix(h, "get "); ok {
		c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
		resp, err := c.Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
		return 0
	}
	return serveNXDOMAIN()
}

// serveNXDOMAIN answers every DNS query on 127.0.0.1:53 with NXDOMAIN and
// prints "query NAME" for each, for at most 5 minutes.
func serveNXDOMAIN() int {
	pc, err := net.ListenPacket("udp", "127.0.0.1:53")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println("ready")
	_ = pc.SetDeadline(time.Now().Add(5 * time.Minute))
	buf := make([]byte, 1500)
	for range 100000 {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return 0
		}
		name, end, ok := dnsQuestion(buf[:n])
		if !ok {
			continue
		}
		fmt.Println("query " + name)
		resp := append([]byte(nil), buf[:end]...)
		resp[2] = 0x80 | buf[2]&0x79 // QR, the query's opcode and RD
		resp[3] = 0x80 | 3           // RA, NXDOMAIN
		copy(resp[6:12], []byte{0, 0, 0, 0, 0, 0})
		_, _ = pc.WriteTo(resp, from)
	}
	return 0
}

// dnsQuestion returns the name of a query's first question and where the
// question ends.
func dnsQuestion(p []byte) (string, int, bool) {
	if len(p) < 12 || p[2]&0x80 != 0 || p[4] != 0 || p[5] != 1 {
		return "", 0, false
	}
	var labels []string
	i := 12
	for i < len(p) && p[i] != 0 {
		l := int(p[i])
		if l > 63 || i+1+l > len(p) {
			return "", 0, false
		}
		labels = append(labels, string(p[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(p) {
		return "", 0, false
	}
	return strings.Join(labels, "."), i + 5, true
}

// TestEndToEndApacheResolverAndRoutes: a ProxyPass to a name that does not resolve
// is dns_failure with the name as the upstream, once, in /metrics; ProxyPass
// to an address with an unreachable route and to one without a route are
// host_unreachable and network_unreachable.
func TestEndToEndApacheResolverAndRoutes(t *testing.T) {
	bin := apachetest.Binary(t)
	ns := newLoopbackNetns(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	queries := startNetnsDNS(t, ns, self)

	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	addr := loopback.FreeTCPAddr(t)
	conf := filepath.Join(dir, "httpd.conf")
	site := fmt.Sprintf("ProxyPass /dns http://%s:8080/\nProxyPass /hostun http://%s/\nProxyPass /netun http://%s/\n", unresolvable, hostUnreachable, netUnreachable)
	if err := os.WriteFile(conf, []byte(apachetest.BaseConfig(dir, addr)+site), 0o644); err != nil {
		t.Fatal(err)
	}
	errorLog := filepath.Join(dir, "error.log")
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    format: apache_error\n    from_beginning: true\n", errorLog))
	startNetnsApache(t, ns, bin, conf, errorLog)

	out, err := exec.Command("ip", "netns", "exec", ns, "env", netnsHelperEnv+"=get http://"+addr+"/dns", self).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "500" {
		log, _ := os.ReadFile(errorLog)
		t.Fatalf("GET /dns in the namespace: %v: %q, want Apache's 500\n%s", err, out, log)
	}
	dns := exportertest.Labels{"proxy": "apache", "cause": "dns_failure", "upstream": unresolvable}
	exp.WaitFor(t, "badgateway_upstream_errors_total", dns, 1)
	if !queries.saw(unresolvable) {
		t.Errorf("the namespace's DNS server was not asked for %s: Apache resolved it elsewhere", unresolvable)
	}
	for path, want := range map[string]exportertest.Labels{
		"/hostun": {"proxy": "apache", "cause": "host_unreachable", "upstream": hostUnreachable},
		"/netun":  {"proxy": "apache", "cause": "network_unreachable", "upstream": netUnreachable},
	} {
		out, err := exec.Command("ip", "netns", "exec", ns, "env", netnsHelperEnv+"=get http://"+addr+path, self).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "503" {
			log, _ := os.ReadFile(errorLog)
			t.Fatalf("GET %s in the namespace: %v: %q, want 503\n%s", path, err, out, log)
		}
		exp.WaitFor(t, "badgateway_upstream_errors_total", want, 1)
	}
	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatal(err)
	}
	if got := exportertest.Value(fams, "badgateway_upstream_errors_total", exportertest.Labels{"proxy": "apache"}); got != 3 {
		t.Errorf("apache errors = %v, want 3 (dns_failure, host_unreachable, network_unreachable)\n%s", got, exportertest.Series(fams, "badgateway_upstream_errors_total"))
	}
	promtoolCheckMetrics(t, body)
}

// newLoopbackNetns creates a network namespace with only lo (up) and a
// resolv.conf naming 127.0.0.1; both go at test end.
func newLoopbackNetns(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatalf("ip (iproute2) is needed for network namespaces: %v", err)
	}
	ns := fmt.Sprintf("bgw-apdns-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", ns, err, out)
	}
	etc := filepath.Join("/etc/netns", ns)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "delete", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v: %s", ns, err, out)
		}
		if err := os.RemoveAll(etc); err != nil {
			t.Error(err)
		}
		_ = os.Remove(filepath.Dir(etc)) // /etc/netns, if this test made it and nothing else is in it
	})
	if out, err := exec.Command("ip", "-n", ns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("lo up in %s: %v: %s", ns, err, out)
	}
	if out, err := exec.Command("ip", "-n", ns, "route", "add", "unreachable", "192.0.2.0/24").CombinedOutput(); err != nil {
		t.Fatalf("unreachable route in %s: %v: %s", ns, err, out)
	}
	if out, err := exec.Command("ip", "-n", ns, "-o", "link").CombinedOutput(); err != nil || strings.Count(string(out), "\n") != 1 {
		t.Fatalf("namespace %s must have lo only: %v: %s", ns, err, out)
	}
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(etc, "resolv.conf"), []byte("nameserver 127.0.0.1\noptions timeout:2 attempts:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return ns
}

// dnsQueries are the names the namespace's DNS server was asked for.
type dnsQueries struct{ names chan string }

// saw reports whether name was asked for, waiting up to 30s for the
// server's output.
func (q dnsQueries) saw(name string) bool {
	deadline := time.After(30 * time.Second)
	for {
		select {
		case n, ok := <-q.names:
			if !ok {
				return false
			}
			if n == name {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func startNetnsDNS(t *testing.T, ns, self string) dnsQueries {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, "env", netnsHelperEnv+"=dns", self)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("DNS server in %s did not start: %q %v", ns, lines.Text(), lines.Err())
	}
	q := dnsQueries{names: make(chan string, 1000)}
	go func() {
		defer close(q.names)
		for lines.Scan() {
			if name, ok := strings.CutPrefix(lines.Text(), "query "); ok {
				select {
				case q.names <- name:
				default:
				}
			}
		}
	}()
	return q
}

// startNetnsApache runs apache2 in ns until its error log says it serves.
func startNetnsApache(t *testing.T, ns, bin, conf, errorLog string) {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, bin, "-f", conf, "-DFOREGROUND")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	exited := startProcessGroup(t, cmd)
	for range 1200 { // 30s
		select {
		case <-exited:
			log, _ := os.ReadFile(errorLog)
			t.Fatalf("apache2 in %s exited: %s\n%s", ns, out.String(), log)
		default:
		}
		if log, _ := os.ReadFile(errorLog); strings.Contains(string(log), "resuming normal operations") {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("apache2 in %s did not start within 30s", ns)
}
