package nginxtest

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

// GetTimeout bounds a whole Get, body included.
const GetTimeout = 10 * time.Second

const maxBody = 1 << 20

func newClient() *http.Client {
	return &http.Client{
		Timeout: GetTimeout,
		Transport: &http.Transport{
			Proxy:             nil, // never an HTTP(S)_PROXY from the environment
			DisableKeepAlives: true,
		},
	}
}

// Get sends GET path (e.g. "/refused?x=1") to {{listen}} and returns the
// status and up to 1 MiB of the body.
func (n *Nginx) Get(path string) (status int, body string, err error) {
	resp, err := n.client.Get(n.URL(path))
	if err != nil {
		return 0, "", fmt.Errorf("nginxtest: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, string(b), fmt.Errorf("nginxtest: read body of %s: %w", path, err)
	}
	return resp.StatusCode, string(b), nil
}

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	return loopback.FreeTCPPort(tb)
}
