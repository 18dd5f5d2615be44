package nginxtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Environment variables read by this package.
const (
	// EnvBinary names an nginx binary to use instead of /usr/sbin/nginx or
	// `nginx` on PATH.
	EnvBinary = "BADGATEWAY_NGINX"
	// EnvRequire, set to 1, turns a missing nginx into a test failure
	// instead of a skip. A set CI variable (CI=true) does the same.
	EnvRequire = "BADGATEWAY_REQUIRE_E2E"
)

// DefaultBinary is where Debian and Ubuntu install nginx.
const DefaultBinary = "/usr/sbin/nginx"

const installHint = "install it (apt-get install nginx) or run ./scripts/test.sh"

// Binary returns the nginx binary to run: $BADGATEWAY_NGINX if set, else
// /usr/sbin/nginx if present, else `nginx` on PATH.
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("nginxtest: $%s: %w", EnvBinary, err)
		}
		return p, nil
	}
	if checkExecutable(DefaultBinary) == nil {
		return DefaultBinary, nil
	}
	p, err := exec.LookPath("nginx")
	if err != nil {
		return "", fmt.Errorf("nginxtest: nginx not found at %s nor on PATH: %w", DefaultBinary, err)
	}
	return p, nil
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s: %w", p, errors.New("not an executable file"))
	}
	return nil
}

// E2ERequired reports whether a missing nginx must fail tests: CI is set
// (and not "false" or "0"), or BADGATEWAY_REQUIRE_E2E=1.
func E2ERequired() bool {
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

// RequireBinary returns the nginx binary, or ends the test: tb.Fatalf when
// E2ERequired, tb.Skipf otherwise.
func RequireBinary(tb testing.TB) string {
	tb.Helper()
	bin, err := Binary()
	if err == nil {
		return bin
	}
	if E2ERequired() {
		tb.Fatalf("%v; end-to-end tests are required here (CI or %s=1): %s", err, EnvRequire, installHint)
	} else {
		tb.Skipf("%v; skipping end-to-end test: %s", err, installHint)
	}
	return ""
}
