package nginxerror

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse/haproxy"
)

// The HAProxy detector of `classify --proxy=auto` turns every nginx
// error-log line of these tests down.
func TestNginxLinesAreNotHAProxy(t *testing.T) {
	for _, line := range nginxSeedLines() {
		if haproxy.LooksLike([]byte(line)) {
			t.Errorf("nginx line taken for HAProxy: %s", line)
		}
	}
}
