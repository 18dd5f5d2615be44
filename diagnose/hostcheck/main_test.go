package hostcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/badgateway/badgateway_exporter/internal/netnstest"
)

// listEnv makes the test binary print Listeners("/proc") as JSON.
const listEnv = "BADGATEWAY_HOSTCHECK_LIST"

func TestMain(m *testing.M) {
	netnstest.ServeAppIfAsked()
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
