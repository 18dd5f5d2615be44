package nginxtest

import (
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/e2ebin"
)

// Environment variables read by this package.
const (
	// EnvBinary names an nginx binary to use instead of /usr/sbin/nginx or
	// `nginx` on PATH.
	EnvBinary = "BADGATEWAY_NGINX"
	// EnvRequire, set to 1, turns a missing nginx into a test failure
	// instead of a skip. A set CI variable (CI=true) does the same.
	EnvRequire = e2ebin.EnvRequire
)

// DefaultBinary is where Debian and Ubuntu install nginx.
const DefaultBinary = "/usr/sbin/nginx"

// program is nginx, for package e2ebin.
var program = e2ebin.Program{Pkg: "nginxtest", Name: "nginx", Env: EnvBinary, Default: DefaultBinary, Debian: "nginx"}

// Binary returns the nginx binary to run: $BADGATEWAY_NGINX if set, else
// /usr/sbin/nginx if present, else `nginx` on PATH.
func Binary() (string, error) { return program.Find() }

// E2ERequired reports whether a missing program must fail tests: CI is set
// (and not "false" or "0"), or BADGATEWAY_REQUIRE_E2E=1.
func E2ERequired() bool { return e2ebin.Required() }

// RequireBinary returns the nginx binary, or ends the test: tb.Fatalf when
// E2ERequired, tb.Skipf otherwise.
func RequireBinary(tb testing.TB) string {
	tb.Helper()
	return program.Require(tb)
}
