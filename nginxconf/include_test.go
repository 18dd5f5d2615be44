package nginxconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadIncludes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"nginx.conf":       "http {\n  include conf.d/*.conf;\n  include extra/one;\n}\n",
		"conf.d/b.conf":    "upstream b { server 127.0.0.1:2; }\n",
		"conf.d/a.conf":    "\n\nupstream a { include extra/servers; }\n",
		"conf.d/skip.txt":  "not included;\n",
		"conf.d/d.conf/x":  "a directory matching the glob is skipped;\n",
		"extra/one":        "# one\nserver_tokens off;\n",
		"extra/servers":    "server 127.0.0.1:1;\n",
		"nomatch/.keep":    "",
		"nested/self.conf": "include nested/self.conf;\n",
	})
	cfg, err := Load(filepath.Join(dir, "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(render(cfg.Directives), dir+"/", "")
	want := `nginx.conf:1 ["http"] {
  conf.d/a.conf:3 ["upstream" "a"] {
    extra/servers:1 ["server" "127.0.0.1:1"]
  conf.d/b.conf:1 ["upstream" "b"] {
    conf.d/b.conf:1 ["server" "127.0.0.1:2"]
  extra/one:2 ["server_tokens" "off"]
`
	if got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	if len(cfg.Files) != 5 || cfg.Files[0] != filepath.Join(dir, "nginx.conf") {
		t.Errorf("files = %v", cfg.Files)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"missing.conf": "http {\n include none.conf;\n}\n",
		"glob.conf":    "include nomatch/*.conf;\n",
		"loop.conf":    "include loop.conf;\n",
		"bad.conf":     "include sub/bad.conf;\n",
		"sub/bad.conf": "a {\n",
		"args.conf":    "include a b;\n",
		"badglob.conf": "include [;\n",
	})
	if _, err := Load(filepath.Join(dir, "glob.conf")); err != nil {
		t.Errorf("a glob that matches nothing: %v", err)
	}
	for file, want := range map[string]string{
		"missing.conf": "missing.conf:2: include \"none.conf\": open " + dir + "/none.conf: no such file or directory",
		"loop.conf":    "loop.conf:1: includes nested deeper than 32 levels",
		"bad.conf":     "sub/bad.conf:2: unexpected end of file",
		"args.conf":    `args.conf:1: "include" takes one argument`,
		"badglob.conf": "badglob.conf:1: include \"[\": syntax error in pattern",
		"absent.conf":  "reading nginx config: open " + dir + "/absent.conf",
	} {
		_, err := Load(filepath.Join(dir, file))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s): error %v, want %s", file, err, want)
		}
	}
}

// Files that each include the next one twice stay within the depth limit
// but would read 2^32 files: the number of files read is bounded too.
func TestIncludeExplosionBounded(t *testing.T) {
	dir := t.TempDir()
	for i := range maxIncludeDepth {
		body := fmt.Sprintf("include f%d.conf;\ninclude f%d.conf;\n", i+1, i+1)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.conf", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.conf", maxIncludeDepth)), []byte("events {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(filepath.Join(dir, "f0.conf"))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("includes read more than %d files", maxIncludedFiles)) {
		t.Fatalf("Load: %v, want the file limit", err)
	}
}
