package nginxconf

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// nginxDump runs the real `nginx -T` on a configuration file, with a
// throw-away prefix for the files nginx opens while testing.
func nginxDump(t *testing.T, conf string) []byte {
	t.Helper()
	bin := nginxtest.RequireBinary(t)
	args := append([]string{"-T", "-c", conf}, nginxtest.PrefixArgs(t)...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nginx -T: %v\n%s", err, stderr.String())
	}
	return out
}

func TestParseDumpMatchesLoad(t *testing.T) {
	conf, err := filepath.Abs("testdata/site/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	fromDisk, err := Load(conf)
	if err != nil {
		t.Fatal(err)
	}
	fromDump, err := ParseDump(nginxDump(t, conf))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := render(fromDisk.Directives), render(fromDump.Directives); a != b {
		t.Errorf("Load and ParseDump differ:\n%s\n---\n%s", a, b)
	}
	if strings.Join(fromDisk.Files, "\n") != strings.Join(fromDump.Files, "\n") {
		t.Errorf("files: %v vs %v", fromDisk.Files, fromDump.Files)
	}
	var names []string
	fromDump.Walk(func(d *Directive, _ []*Directive) bool {
		if d.Name == "server_name" {
			names = d.Args
		}
		return true
	})
	if strings.Join(names, "|") != `quoted name|escaped\ name` {
		t.Errorf("server_name args = %q", names)
	}
}

func TestDumpRunsBinary(t *testing.T) {
	bin := nginxtest.RequireBinary(t)
	conf, err := filepath.Abs("testdata/site/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	prefixArgs := nginxtest.PrefixArgs(t)
	cfg, err := Dump(context.Background(), bin, append([]string{"-c", conf}, prefixArgs...)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Files) != 4 || cfg.File != conf {
		t.Errorf("files = %v", cfg.Files)
	}
	absent := filepath.Join(t.TempDir(), "absent.conf")
	_, err = Dump(context.Background(), bin, append([]string{"-c", absent}, prefixArgs...)...)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || !strings.Contains(err.Error(), "absent.conf") {
		t.Errorf("failing nginx -T: %v", err)
	}
}

func TestParseDumpSections(t *testing.T) {
	out := "# configuration file /etc/nginx/nginx.conf:\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n    include mime.types;\n}\n\n" +
		"# configuration file /etc/nginx/mime.types:\ntypes { text/html html; }\n\n" +
		"# configuration file /etc/nginx/conf.d/x.conf:\n\n\nupstream x { server unix:/run/x.sock; }\n\n"
	cfg, err := ParseDump([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := `/etc/nginx/nginx.conf:1 ["http"] {
  /etc/nginx/conf.d/x.conf:3 ["upstream" "x"] {
    /etc/nginx/conf.d/x.conf:3 ["server" "unix:/run/x.sock"]
  /etc/nginx/mime.types:1 ["types"] {
    /etc/nginx/mime.types:1 ["text/html" "html"]
`
	if got := render(cfg.Directives); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	for in, want := range map[string]string{
		"": "no \"# configuration file\" section",
		"# configuration file /a.conf:\ninclude b;\n": "/a.conf:1: include \"b\": /b: file not in the nginx -T output",
	} {
		if _, err := ParseDump([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDump(%q): %v, want %s", in, err, want)
		}
	}
}
