package hostcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
)

// httpPorts are the TCP ports of SELinux's http_port_t in the reference
// policy: httpd may connect to them without httpd_can_network_connect.
var httpPorts = map[uint16]bool{80: true, 81: true, 443: true, 488: true, 8008: true, 8009: true, 8443: true, 9000: true}

// selinuxFindings reports TCP upstreams that SELinux in enforcing mode
// forbids the proxy to connect to: httpd_can_network_connect off for nginx
// and Apache (httpd_t), haproxy_connect_any off for HAProxy.
func selinuxFindings(ups []upstream, sysRoot string) ([]diagnose.Finding, []diagnose.Skipped) {
	dir := filepath.Join(sysRoot, "fs", "selinux")
	enforce, err := readSmall(filepath.Join(dir, "enforce"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, []diagnose.Skipped{skip("SELinux not enabled (no %s)", filepath.Join(dir, "enforce"))}
		}
		return nil, []diagnose.Skipped{skip("SELinux: %v", err)}
	}
	if enforce != "1" {
		return nil, nil // permissive: logs denials, blocks nothing
	}
	var fs []diagnose.Finding
	values := map[string]string{}
	for _, u := range ups {
		if u.unix != "" {
			continue
		}
		boolean := "httpd_can_network_connect"
		if u.target.Proxy == "haproxy" {
			boolean = "haproxy_connect_any"
		} else if httpPorts[u.port] {
			continue
		}
		v, ok := values[boolean]
		if !ok {
			v, err = readSmall(filepath.Join(dir, "booleans", boolean))
			if err != nil {
				v = "unknown: " + err.Error()
			}
			values[boolean] = v
		}
		if cur, _, _ := strings.Cut(v, " "); cur != "0" {
			continue
		}
		f := newFinding(diagnose.CheckNetwork, cause.PermissionDenied, u.label)
		f.Summary = fmt.Sprintf("SELinux is enforcing and %s is off: the proxy may not connect to port %d", boolean, u.port)
		f.Evidence = []string{
			filepath.Join(dir, "enforce") + ": 1",
			fmt.Sprintf("%s: %s", filepath.Join(dir, "booleans", boolean), v),
		}
		f.Fix = fmt.Sprintf("setsebool -P %s 1", boolean)
		fs = append(fs, f)
	}
	return fs, nil
}

// readSmall reads a small sysfs file, trimmed.
func readSmall(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 64)
	n, err := f.Read(buf)
	if n == 0 && err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return printable([]byte(strings.TrimSpace(string(buf[:n])))), nil
}
