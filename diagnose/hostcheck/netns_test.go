package hostcheck

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/netnstest"
)

// inNetns runs the test in a network namespace of its own, with only lo
// (see netnstest.InNamespace): it returns true in the namespace child; the
// caller returns when it is false.
func inNetns(t *testing.T, ipSetup ...[]string) bool {
	t.Helper()
	return netnstest.InNamespace(t, "bgwhost", ipSetup...)
}
