package nginxconf

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedDirs hold the repository's nginx configurations (and a few
// certificates, which are hostile input too).
var seedDirs = []string{"testdata/site", "../discover/testdata/nginx", "../pipeline/testdata/nginx", "../deploy/nginx"}

// FuzzParse feeds arbitrary bytes to the lexer and parser, and to the
// splitting of `nginx -T` output. They must return a tree or an error,
// never panic or loop, and every directive and error must point at a line
// of the input.
func FuzzParse(f *testing.F) {
	for _, dir := range seedDirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			src, err := os.ReadFile(path)
			f.Add(src)
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	for _, s := range []string{
		strings.Repeat("a {", maxDepth+2),
		"a 'x\\\n\ny", `a "q\"t" x\ y ${host}{ b; }`,
		"content_by_lua_block { local s = \"}\\\n\" -- }\n }",
		"# configuration file /a.conf:\ninclude b;\n# configuration file b:\nc;",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Count(src, []byte("\n")) + 1
		ds, err := parseBytes(src, "f.conf")
		var se *syntaxError
		switch {
		case errors.As(err, &se):
			if se.Line < 1 || se.Line > lines || se.File != "f.conf" {
				t.Fatalf("error %v outside the input's %d lines", err, lines)
			}
		case err != nil:
			t.Fatalf("error of type %T: %v", err, err)
		}
		walk(ds, nil, func(d *Directive, parents []*Directive) bool {
			if d.Line < 1 || d.Line > lines || d.File != "f.conf" || len(parents) > maxDepth {
				t.Fatalf("directive %q at %s, depth %d, outside the input's %d lines", d, d.Where(), len(parents), lines)
			}
			return true
		})
		if d, err := splitDump(src); err == nil && len(d.order) == 0 {
			t.Fatal("a dump without sections")
		}
	})
}
