package deploy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The mapping from the containers of docker-compose.yml to the test, applied
// to the text of deploy/nginx/*.conf, deploy/haproxy/haproxy.cfg,
// deploy/exporter/badgateway.yml and flaky's command. Nothing else in those
// files changes:
//
//	flaky:PORT, exporter:PORT   a loopback address: flaky's listener that has
//	                            PORT in the compose file, a closed port where
//	                            nothing listens there either, the exporter's
//	                            syslog listener
//	listen 80; / bind 0.0.0.0:P the proxies' ports on 127.0.0.1
//	resolver 127.0.0.11         the test's DNS server (always NXDOMAIN)
//	udp://0.0.0.0:5514          the exporter's syslog listener on 127.0.0.1
//	/sockets/ /var/log/badgateway/ /var/cache/nginx/ /var/run/nginx.pid
//	/etc/nginx/ /usr/local/etc/haproxy/
//	                            the same under the test's directory
type mapping struct {
	hostPorts map[string]string // "flaky:8081" -> "127.0.0.2:40123"; nil: not mapped
	literals  []literal
}

type literal struct {
	from, to string
	used     int
}

var hostPortRE = regexp.MustCompile(`\b(flaky|exporter):(\d+)\b`)

// apply maps text; a container address it has no value for fails the test
// (unless hostPorts is nil: then they stay).
func (m *mapping) apply(tb testing.TB, name, text string) string {
	tb.Helper()
	if m.hostPorts != nil {
		text = hostPortRE.ReplaceAllStringFunc(text, func(hp string) string {
			to, ok := m.hostPorts[hp]
			if !ok {
				tb.Fatalf("%s: no mapping for %s", name, hp)
			}
			return to
		})
	}
	for i := range m.literals {
		l := &m.literals[i]
		l.used += strings.Count(text, l.from)
		text = strings.ReplaceAll(text, l.from, l.to)
	}
	return text
}

// checkUsed fails the test for a literal that matched nothing: the files
// changed and the mapping no longer describes them.
func (m *mapping) checkUsed(tb testing.TB) {
	tb.Helper()
	for _, l := range m.literals {
		if l.used == 0 {
			tb.Errorf("mapping: %q occurs in none of the deploy files", l.from)
		}
	}
}

// String lists the mapping, for failure messages.
func (m *mapping) String() string {
	var lines []string
	for from, to := range m.hostPorts {
		lines = append(lines, fmt.Sprintf("%-24s -> %s", from, to))
	}
	sort.Strings(lines)
	for _, l := range m.literals {
		lines = append(lines, fmt.Sprintf("%-24s -> %s", l.from, l.to))
	}
	return strings.Join(lines, "\n")
}

// containerHostPorts returns every flaky:PORT and exporter:PORT in files.
func containerHostPorts(tb testing.TB, files ...string) []string {
	tb.Helper()
	seen := map[string]bool{}
	for _, f := range files {
		for _, hp := range hostPortRE.FindAllString(readFile(tb, f), -1) {
			seen[hp] = true
		}
	}
	var out []string
	for hp := range seen {
		out = append(out, hp)
	}
	sort.Strings(out)
	return out
}

// writeMapped maps the file src of the repository into dst.
func (m *mapping) writeMapped(tb testing.TB, src, dst string) string {
	tb.Helper()
	text := m.apply(tb, src, readFile(tb, src))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	return text
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
