// Package e2ebin finds the real programs the end-to-end tests run (nginx,
// HAProxy, Apache httpd): from an environment variable, the Debian path, or
// PATH. Where end-to-end tests are required (CI, BADGATEWAY_REQUIRE_E2E=1) a
// missing program fails the test; elsewhere the test is skipped, saying how
// to install it.
package e2ebin

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// EnvRequire, set to 1, turns a missing program into a test failure
// instead of a skip. A set CI variable (CI=true) does the same.
const EnvRequire = "BADGATEWAY_REQUIRE_E2E"

// Required reports whether a missing program must fail tests: CI is set
// (and not "false" or "0"), or BADGATEWAY_REQUIRE_E2E=1.
func Required() bool {
	if v := strings.ToLower(os.Getenv(EnvRequire)); v == "1" || v == "true" {
		return true
	}
	switch v := strings.ToLower(os.Getenv("CI")); v {
	case "", "0", "false":
		return false
	default:
		return true
	}
}

// Program is a program the end-to-end tests run.
type Program struct {
	Pkg     string // the test-helper package asking, for error messages
	Name    string // its name on PATH, e.g. "haproxy"
	Env     string // the variable naming another binary, e.g. BADGATEWAY_HAPROXY
	Default string // where Debian installs it, e.g. /usr/sbin/haproxy
	Debian  string // the Debian package that has it
}

// Find returns the binary: $Env if set, else Default if present, else Name
// on PATH.
func (p Program) Find() (string, error) {
	if v := os.Getenv(p.Env); v != "" {
		if !executable(v) {
			return "", fmt.Errorf("%s: $%s: %s is not an executable file", p.Pkg, p.Env, v)
		}
		return v, nil
	}
	if executable(p.Default) {
		return p.Default, nil
	}
	bin, err := exec.LookPath(p.Name)
	if err != nil {
		return "", fmt.Errorf("%s: %s not found at %s nor on PATH: %w", p.Pkg, p.Name, p.Default, err)
	}
	return bin, nil
}

// Require returns the binary, or ends the test: Fatal where end-to-end
// tests are required, Skip elsewhere.
func (p Program) Require(tb testing.TB) string {
	tb.Helper()
	bin, err := p.Find()
	if err == nil {
		return bin
	}
	hint := fmt.Sprintf("install it (apt-get install %s) or run ./scripts/test.sh", p.Debian)
	if Required() {
		tb.Fatalf("%v; end-to-end tests are required here (CI or %s=1): %s", err, EnvRequire, hint)
	}
	tb.Skipf("%v; skipping end-to-end test: %s", err, hint)
	return ""
}

func executable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
