package netnstest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvApp makes the test binary an application: ServeAppIfAsked serves
// HTTP 200 on the address in the variable until its standard input closes.
const EnvApp = "BADGATEWAY_NETNS_APP"

// ServeAppIfAsked is for TestMain, before m.Run: when the binary was
// started by StartApp it serves as the application and exits.
func ServeAppIfAsked() {
	addr := os.Getenv(EnvApp)
	if addr == "" {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "app\n") })) //nolint:errcheck
	io.Copy(io.Discard, os.Stdin)                                                                                    // the test closes stdin, or dies
	os.Exit(0)
}

// StartApp runs a copy of the test binary named name (its comm, as ss and
// /proc show it) as an application on addr and returns its pid; it is
// stopped when the test ends. The package's TestMain must call
// ServeAppIfAsked.
func StartApp(t *testing.T, name, addr string) int {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), name)
	if err := os.Link(self, bin); err != nil {
		if err := CopyFile(self, bin); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), EnvApp+"="+addr)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("app %s: %v", name, err)
		}
	})
	return cmd.Process.Pid
}

// CopyFile copies the executable src to dst (mode 0755).
func CopyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}
