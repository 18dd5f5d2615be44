package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// nxdomainServer answers every DNS query on a loopback UDP port with
// NXDOMAIN, so that nginx logs "HOST could not be resolved (3: Host not
// found)". It returns its address; it stops when the test ends.
func nxdomainServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			buf[2], buf[3] = 0x81, 0x83 // response, recursion desired and available, NXDOMAIN
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
	return pc.LocalAddr().String()
}

// TestEndToEndHostileHostHeader: with `proxy_pass http://$host:8080` and a
// resolver, nginx writes the client's raw Host bytes into its error log. A
// remote client sending a byte 0xFF there must not crash the exporter (it
// did: client_golang panics on a label value that is not UTF-8); the
// failure is counted under a sanitised upstream label, and /metrics stays
// valid for promtool.
func TestEndToEndHostileHostHeader(t *testing.T) {
	dns := nxdomainServer(t)
	ngx := nginxtest.Start(t, fmt.Sprintf("resolver %s ipv6=off;\nserver {\n listen {{listen}};\n server_name hostile.test;\n location / { proxy_pass http://$host:8080; }\n}\n", dns))
	exp := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    from_beginning: true\n", ngx.ErrorLogPath()))

	for _, host := range []string{"a\xffb.test", "\xc3\x28.test", "ok.test"} {
		conn, err := net.Dial("tcp", ngx.Addr())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
		status, err := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if err != nil || !strings.Contains(status, " 502 ") {
			t.Fatalf("Host %q: status line %q (%v), want 502", host, status, err)
		}
	}
	sel := func(upstream string) exportertest.Labels {
		return exportertest.Labels{"proxy": "nginx", "cause": "dns_failure", "upstream": upstream}
	}
	exp.WaitFor(t, "badgateway_upstream_errors_total", sel("ok.test"), 1)
	fams, body, err := exp.Scrape()
	if err != nil {
		t.Fatalf("scrape: %v\n%s", err, exp.Logs())
	}
	for _, up := range []string{"a\uFFFDb.test", "\uFFFD(.test"} {
		if got := exportertest.Value(fams, "badgateway_upstream_errors_total", sel(up)); got != 1 {
			t.Errorf("upstream %q: %v, want 1\n%s", up, got, exportertest.Series(fams, "badgateway_upstream_errors_total"))
		}
	}
	if got := exportertest.Value(fams, "badgateway_label_values_sanitized_total", exportertest.Labels{"label": "upstream", "reason": "invalid_utf8"}); got != 2 {
		t.Errorf("sanitized upstream values counted %v times, want 2", got)
	}
	promtoolCheckMetrics(t, body)

	// A restart reading the file from its beginning again (positions
	// disabled) must not crash-loop on the same lines.
	exp.Stop()
	exp2 := exportertest.Start(t, fmt.Sprintf("logs:\n  - path: %s\n    from_beginning: true\npositions: {disabled: true}\n", ngx.ErrorLogPath()))
	exp2.WaitFor(t, "badgateway_upstream_errors_total", sel("a\uFFFDb.test"), 1)
}
