package nginxconf

import (
	"fmt"
	"strings"
	"testing"
)

// render prints a tree one directive a line, with its location, for
// comparisons.
func render(ds []*Directive) string {
	var b strings.Builder
	walk(ds, nil, func(d *Directive, parents []*Directive) bool {
		fmt.Fprintf(&b, "%s%s %q", strings.Repeat("  ", len(parents)), d.Where(), append([]string{d.Name}, d.Args...))
		if d.Block != nil {
			b.WriteString(" {")
		}
		b.WriteByte('\n')
		return true
	})
	return b.String()
}

// parse parses src as the one file name, includes kept as they are.
func parse(src, name string) (*Config, error) {
	ds, err := parseBytes([]byte(src), name)
	if err != nil {
		return nil, err
	}
	return &Config{File: name, Directives: ds, Files: []string{name}}, nil
}

func TestParse(t *testing.T) {
	cfg, err := parse("events {}\nhttp {\n  server {\n    listen 80;\n  }\n  include x/*.conf;\n}\n", "n.conf")
	if err != nil {
		t.Fatal(err)
	}
	want := `n.conf:1 ["events"] {
n.conf:2 ["http"] {
  n.conf:3 ["server"] {
    n.conf:4 ["listen" "80"]
  n.conf:6 ["include" "x/*.conf"]
`
	if got := render(cfg.Directives); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	if cfg.Directives[0].Block == nil || cfg.Directives[1].Block[1].Block != nil {
		t.Error("an empty block is not told from a simple directive")
	}
}

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"a;\n}":                           `e.conf:2: unexpected "}"`,
		"a {\n b;\n":                      `e.conf:3: unexpected end of file, expecting "}" for the block opened at line 1`,
		"a b":                             `e.conf:1: unexpected end of file, expecting ";" or "}"`,
		";":                               `e.conf:1: unexpected ";"`,
		"{":                               `e.conf:1: unexpected "{"`,
		"a { b }":                         `e.conf:1: unexpected "}": "b" is not terminated by ";"`,
		strings.Repeat("a {", maxDepth+2): "blocks nested deeper than 100 levels",
	} {
		_, err := parse(src, "e.conf")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parse(%.20q): error %v, want %s", src, err, want)
		}
	}
}

func TestLookupInherits(t *testing.T) {
	cfg, err := parse(`
http {
    proxy_ssl_verify on;
    server {
        location /a { proxy_pass https://a; }
        location /b { proxy_ssl_verify off; proxy_pass https://b; }
    }
}`, "l.conf")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	cfg.Walk(func(d *Directive, parents []*Directive) bool {
		if d.Name == "proxy_pass" {
			got[d.Arg(0)] = Lookup(cfg.Directives, parents, "proxy_ssl_verify").Where() + " " + Lookup(cfg.Directives, parents, "proxy_ssl_verify").Arg(0)
			if Lookup(cfg.Directives, parents, "proxy_ssl_name") != nil {
				t.Error("found an unset directive")
			}
		}
		return true
	})
	if got["https://a"] != "l.conf:3 on" || got["https://b"] != "l.conf:6 off" {
		t.Errorf("lookups = %v", got)
	}
}
