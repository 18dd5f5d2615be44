package promtest

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Alertmanager is a running Alertmanager, clustering disabled.
type Alertmanager struct {
	*process
	api
	Dir string // temp dir with alertmanager.yml and data/
}

// StartAlertmanager starts /usr/bin/prometheus-alertmanager (see
// AlertmanagerBin) with the configuration config on a free 127.0.0.1 port,
// temp storage and no cluster listener, and waits until it is ready. It is
// stopped in tb.Cleanup.
func StartAlertmanager(tb testing.TB, config []byte) *Alertmanager {
	tb.Helper()
	bin := AlertmanagerBin.Require(tb)
	dir := tb.TempDir()
	confPath := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(confPath, config, 0o644); err != nil {
		tb.Fatal(err)
	}
	p := startProcess(tb, "alertmanager", bin, func(addr string) []string {
		return []string{
			"--config.file=" + confPath,
			"--storage.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr,
			"--cluster.listen-address=", // empty: no gossip, no other port
			"--log.level=warn",
		}
	})
	return &Alertmanager{process: p, api: newAPI(p.addr), Dir: dir}
}

// Addr is the host:port of Alertmanager's HTTP API.
func (am *Alertmanager) Addr() string { return am.addr }

// Output returns what Alertmanager logged so far (the first 256 KiB).
func (am *Alertmanager) Output() string { return am.output.String() }

// PostableAlert is an alert as /api/v2/alerts accepts it.
type PostableAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
	StartsAt    time.Time         `json:"startsAt,omitzero"`
	EndsAt      time.Time         `json:"endsAt,omitzero"`
}

// Post sends alerts the way Prometheus does.
func (am *Alertmanager) Post(alerts ...PostableAlert) error {
	return am.postJSON("/api/v2/alerts", alerts, nil)
}

// GettableAlert is an alert as /api/v2/alerts returns it.
type GettableAlert struct {
	Labels    map[string]string `json:"labels"`
	Receivers []struct {
		Name string `json:"name"`
	} `json:"receivers"`
	Status struct {
		State       string   `json:"state"` // active, suppressed, unprocessed
		InhibitedBy []string `json:"inhibitedBy"`
		SilencedBy  []string `json:"silencedBy"`
	} `json:"status"`
}

// Alerts returns every alert Alertmanager holds, inhibited ones included.
func (am *Alertmanager) Alerts() ([]GettableAlert, error) {
	var out []GettableAlert
	err := am.getJSON("/api/v2/alerts", &out)
	return out, err
}
