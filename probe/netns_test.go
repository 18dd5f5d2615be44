package probe

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// asRoot returns a function that makes a command run as root: the command
// itself when the test runs as root, the command under `sudo -n` when sudo
// lets this user in without a password. Anyone else cannot create a
// network namespace: the test fails where end-to-end tests are required
// (CI, BADGATEWAY_REQUIRE_E2E=1) and is skipped elsewhere, saying why.
func asRoot(t *testing.T, why string) func(name string, args ...string) *exec.Cmd {
	t.Helper()
	if os.Geteuid() == 0 {
		return exec.Command
	}
	sudo, err := exec.LookPath("sudo")
	if err == nil {
		var out []byte
		if out, err = exec.Command(sudo, "-n", "true").CombinedOutput(); err != nil {
			err = fmt.Errorf("sudo -n true: %w: %s", err, strings.TrimSpace(string(out)))
		}
	}
	if err != nil {
		msg := fmt.Sprintf("%s needs root or passwordless sudo (euid %d: %v); run as root, or let sudo run ip without a password",
			why, os.Geteuid(), err)
		if nginxtest.E2ERequired() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return func(name string, args ...string) *exec.Cmd {
		return exec.Command(sudo, append([]string{"-n", "--", name}, args...)...)
	}
}

// requireIP returns the path of iproute2's ip, or ends the test like
// asRoot.
func requireIP(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"ip", "/usr/sbin/ip", "/sbin/ip"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "needs iproute2 (ip) to create a network namespace: apt-get install iproute2, or run ./scripts/test.sh"
	if nginxtest.E2ERequired() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
