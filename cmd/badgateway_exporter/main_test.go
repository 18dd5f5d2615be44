package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain gives the exporters these tests run in this process a state
// directory of their own: positions never go to the machine's
// /var/lib/badgateway_exporter (which the packaging tests check is gone
// after a purge).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "badgateway-cmd-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("STATE_DIRECTORY", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
