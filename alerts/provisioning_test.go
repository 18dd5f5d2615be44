package alerts_test

import (
	"path/filepath"
	"testing"
)

// TestGrafanaProvisioning checks the provisioning files: apiVersion 1, a
// Prometheus data source, and a file provider loading the dashboards into
// a folder.
func TestGrafanaProvisioning(t *testing.T) {
	var ds struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name, UID, Type, Access, URL string
		} `yaml:"datasources"`
	}
	readYAML(t, filepath.Join(dashboardsDir, "provisioning", "datasources", "badgateway.yml"), &ds)
	if ds.APIVersion != 1 || len(ds.Datasources) != 1 {
		t.Fatalf("datasources provisioning: apiVersion %d, %d data sources; want 1 and 1", ds.APIVersion, len(ds.Datasources))
	}
	if d := ds.Datasources[0]; d.Type != "prometheus" || d.UID == "" || d.URL == "" || d.Access != "proxy" {
		t.Errorf("data source %+v: want type prometheus, a uid, a url and access proxy", d)
	}

	var dash struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name, Type, Folder string
			FolderUID          string `yaml:"folderUid"`
			Options            struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, filepath.Join(dashboardsDir, "provisioning", "dashboards", "badgateway.yml"), &dash)
	if dash.APIVersion != 1 || len(dash.Providers) != 1 {
		t.Fatalf("dashboards provisioning: apiVersion %d, %d providers; want 1 and 1", dash.APIVersion, len(dash.Providers))
	}
	if p := dash.Providers[0]; p.Type != "file" || p.Folder == "" || p.FolderUID == "" || p.Options.Path == "" {
		t.Errorf("provider %+v: want type file, a folder with a uid and options.path", p)
	}
}
