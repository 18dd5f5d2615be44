package discover

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHAProxySectionsInheritance(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("00-defaults.cfg", "global\n  user haproxy\ndefaults base\n  timeout server 30s\ndefaults other\n  timeout server 1m\n")
	write("10-app.cfg", "frontend app\n  bind :80\nbackend app\n  timeout server 5m\nbackend plain\n  server s 127.0.0.1:1\nbackend named from base\n  server s 127.0.0.1:2\ndefaults child from base\nbackend grandchild\n")
	ss, err := HAProxySections(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range ss {
		if l, ok := s.Lookup("timeout", "server"); ok {
			got[s.Kind+" "+s.Name] = l.Words[2] + "@" + filepath.Base(l.Where)
		}
	}
	want := map[string]string{
		"defaults base": "30s@00-defaults.cfg:4", "defaults other": "1m@00-defaults.cfg:6",
		"frontend app": "1m@00-defaults.cfg:6", "backend app": "5m@10-app.cfg:4", "backend plain": "1m@00-defaults.cfg:6",
		"backend named": "30s@00-defaults.cfg:4", "defaults child": "30s@00-defaults.cfg:4", "backend grandchild": "30s@00-defaults.cfg:4",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if l, ok := ss[0].Lookup("user"); !ok || ss[0].Kind != "global" || l.Words[1] != "haproxy" {
		t.Errorf("global user: %+v %v", l, ok)
	}
}

func TestHAProxySectionsDefaultsCycleIsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.cfg")
	// a defaults section naming itself (not valid HAProxy) must not loop
	if err := os.WriteFile(path, []byte("defaults a\ndefaults a from a\nbackend b from a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ss, err := HAProxySections(path)
	if err != nil {
		t.Fatal(err)
	}
	ss[1].Defaults = ss[1] // force a cycle
	if _, ok := ss[2].Lookup("timeout", "server"); ok {
		t.Error("found a timeout that is not there")
	}
}
