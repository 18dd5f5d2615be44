package hostcheck

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// appEnv makes the test binary an application: it serves HTTP 200 on the
// address in the variable until its standard input closes.
const appEnv = "BADGATEWAY_HOSTCHECK_APP"

// listEnv makes the test binary print Listeners("/proc") as JSON.
const listEnv = "BADGATEWAY_HOSTCHECK_LIST"

func TestMain(m *testing.M) {
	if addr := os.Getenv(appEnv); addr != "" {
		os.Exit(runApp(addr))
	}
	if os.Getenv(listEnv) != "" {
		ls, err := Listeners("/proc")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		if json.NewEncoder(os.Stdout).Encode(ls) != nil {
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runApp(addr string) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "app\n") }))
	io.Copy(io.Discard, os.Stdin) // the test closes stdin, or dies
	return 0
}

// startApp runs a copy of the test binary named name as an application on
// addr and returns its pid; it is stopped when the test ends. Its command
// (comm) is name.
func startApp(t *testing.T, name, addr string) int {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), name)
	if err := os.Link(self, bin); err != nil {
		if err := copyFile(self, bin); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), appEnv+"="+addr)
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

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}
