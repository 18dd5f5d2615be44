package alerts_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// currentSchemaVersion is the dashboard schemaVersion of current Grafana
// (42, the last of the classic JSON model; Grafana migrates older ones on
// load).
const currentSchemaVersion = 42

// dashboard is the part of a Grafana dashboard JSON this package reads.
type dashboard struct {
	file          string
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Datasource  *struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	GridPos *struct {
		H, W, X, Y int
	} `json:"gridPos"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		RefID   string `json:"refId"`
		Expr    string `json:"expr"`
		Instant bool   `json:"instant"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // of a collapsed row
}

type variable struct {
	Name  string          `json:"name"`
	Type  string          `json:"type"`
	Query json.RawMessage `json:"query"`
}

// queryText returns a query variable's query, whether Grafana stored it as
// a string or as {"query": "..."}.
func (v variable) queryText() string {
	var s string
	if json.Unmarshal(v.Query, &s) == nil {
		return s
	}
	var o struct {
		Query string `json:"query"`
	}
	_ = json.Unmarshal(v.Query, &o)
	return o.Query
}

// loadDashboards parses dashboards/*.json.
func loadDashboards(t *testing.T) []dashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dashboardsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s (%v)", dashboardsDir, err)
	}
	var out []dashboard
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := dashboard{file: f}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, d)
	}
	return out
}

// allPanels returns the panels of d, those inside collapsed rows included.
func (d dashboard) allPanels() []panel {
	var out []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			out = append(out, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

// panelQuery is one PromQL query of a dashboard panel.
type panelQuery struct {
	key     string // "<uid>/<panel title>/<refId>", names it in messages and exemptions
	expr    string
	instant bool
}

// dashboardQueries returns every PromQL query of every panel.
func dashboardQueries(t *testing.T) []panelQuery {
	t.Helper()
	var out []panelQuery
	for _, d := range loadDashboards(t) {
		for _, p := range d.allPanels() {
			for _, tg := range p.Targets {
				out = append(out, panelQuery{key: d.UID + "/" + p.Title + "/" + tg.RefID, expr: tg.Expr, instant: tg.Instant})
			}
		}
	}
	return out
}

// TestDashboards checks the dashboards' structure: current schemaVersion,
// unique uids, a $datasource variable every panel and query uses, unique
// panel ids, a grid position and a unit on every data panel, and the
// drill-down's $proxy, $upstream and $cause variables.
func TestDashboards(t *testing.T) {
	uids := map[string]string{}
	for _, d := range loadDashboards(t) {
		if d.SchemaVersion != currentSchemaVersion {
			t.Errorf("%s: schemaVersion %d, want %d", d.file, d.SchemaVersion, currentSchemaVersion)
		}
		if d.UID == "" || len(d.UID) > 40 || d.Title == "" {
			t.Errorf("%s: uid %q (1 to 40 characters) and title %q must be set", d.file, d.UID, d.Title)
		}
		if other, dup := uids[d.UID]; dup {
			t.Errorf("%s and %s share uid %q", d.file, other, d.UID)
		}
		uids[d.UID] = d.file
		vars := map[string]variable{}
		for _, v := range d.Templating.List {
			vars[v.Name] = v
		}
		if v, ok := vars["datasource"]; !ok || v.Type != "datasource" {
			t.Errorf("%s: no datasource variable", d.file)
		}
		ids := map[int]bool{}
		for _, p := range d.allPanels() {
			where := d.file + ": panel " + p.Title
			if ids[p.ID] || p.ID == 0 {
				t.Errorf("%s: id %d missing or not unique", where, p.ID)
			}
			ids[p.ID] = true
			if p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.H == 0 || p.GridPos.X+p.GridPos.W > 24 {
				t.Errorf("%s: bad gridPos %+v", where, p.GridPos)
			}
			if p.Type == "row" || p.Type == "text" {
				continue
			}
			if p.Description == "" {
				t.Errorf("%s: no description", where)
			}
			if p.FieldConfig.Defaults.Unit == "" {
				t.Errorf("%s: no unit (fieldConfig.defaults.unit)", where)
			}
			if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
				t.Errorf("%s: datasource must be ${datasource}", where)
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: no query", where)
			}
			for _, tg := range p.Targets {
				if tg.RefID == "" || strings.TrimSpace(tg.Expr) == "" {
					t.Errorf("%s: target without refId or expr", where)
				}
			}
		}
	}
	for _, d := range loadDashboards(t) {
		if d.UID != "badgateway-upstream" {
			continue
		}
		for _, name := range []string{"proxy", "upstream", "cause"} {
			found := false
			for _, v := range d.Templating.List {
				found = found || (v.Name == name && v.Type == "query")
			}
			if !found {
				t.Errorf("%s: no query variable $%s", d.file, name)
			}
		}
	}
	if _, ok := uids["badgateway-overview"]; !ok {
		t.Error("no dashboard with uid badgateway-overview")
	}
	if _, ok := uids["badgateway-upstream"]; !ok {
		t.Error("no dashboard with uid badgateway-upstream")
	}
}
