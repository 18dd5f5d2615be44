package nginxaccess

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/logparse/haproxy"
)

// The HAProxy detector of `classify --proxy=auto` turns every line of the
// real nginx access logs in testdata down.
func TestAccessLinesAreNotHAProxy(t *testing.T) {
	files, _ := filepath.Glob("testdata/access-nginx*.log")
	if len(files) == 0 {
		t.Fatal("no testdata/access-nginx*.log")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if haproxy.LooksLike([]byte(line)) {
				t.Errorf("nginx line taken for HAProxy: %s", line)
			}
		}
	}
}
