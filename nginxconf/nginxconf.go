// Package nginxconf reads nginx configuration: a tokenizer and parser of
// the nginx syntax (directives, blocks, quoted strings, comments), `include`
// expansion with globs, and the output of `nginx -T`. Every directive keeps
// the file and line it was written at, so that callers can point at it.
//
// It does not know what directives mean, except `include` (expanded by Load
// and ParseDump) and *_by_lua_block (whose Lua body is skipped). Helpers on
// top of the tree, such as LogFormats, interpret a few directives.
package nginxconf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Directive is one directive: a name, its arguments and, for a block
// directive such as `http { … }`, its children.
type Directive struct {
	Name   string
	Args   []string     // unquoted and unescaped
	Quoted []bool       // Quoted[i]: Args[i] was written in quotes
	Block  []*Directive // children; nil for a simple directive, empty for `{}`
	File   string       // the file it was read from
	Line   int          // the line its name is on
}

// IsBlock reports whether the directive has a block, even an empty one.
func (d *Directive) IsBlock() bool { return d.Block != nil }

// Where is "file:line".
func (d *Directive) Where() string { return d.File + ":" + strconv.Itoa(d.Line) }

// Arg returns argument i, or "" if there is none.
func (d *Directive) Arg(i int) string {
	if i < len(d.Args) {
		return d.Args[i]
	}
	return ""
}

func (d *Directive) String() string {
	var b strings.Builder
	b.WriteString(d.Name)
	for _, a := range d.Args {
		b.WriteByte(' ')
		b.WriteString(a)
	}
	return b.String()
}

// Config is a parsed configuration. After Load or ParseDump, include
// directives are replaced by the directives of the files they name.
type Config struct {
	File       string       // the main file
	Directives []*Directive // the main context
	Files      []string     // every file read, main first, in reading order
}

// SyntaxError is a configuration that nginx would not parse.
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Parse reads one file's worth of configuration; name is used in errors and
// in Directive.File. Include directives are kept as they are.
func Parse(r io.Reader, name string) (*Config, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	ds, err := parseBytes(src, name)
	if err != nil {
		return nil, err
	}
	return &Config{File: name, Directives: ds, Files: []string{name}}, nil
}

// Walk calls fn for every directive, depth first, in file order, with the
// chain of enclosing block directives (outermost first). If fn returns
// false, the directive's children are not visited.
func (c *Config) Walk(fn func(d *Directive, parents []*Directive) bool) {
	walk(c.Directives, nil, fn)
}

func walk(ds []*Directive, parents []*Directive, fn func(*Directive, []*Directive) bool) {
	for _, d := range ds {
		if fn(d, parents) && d.Block != nil {
			walk(d.Block, append(parents[:len(parents):len(parents)], d), fn)
		}
	}
}

// Find returns the directives named name directly inside ds.
func Find(ds []*Directive, name string) []*Directive {
	var out []*Directive
	for _, d := range ds {
		if d.Name == name {
			out = append(out, d)
		}
	}
	return out
}

// Lookup returns the innermost directive named name that applies at the end
// of the chain parents (outermost first), searching each block and then its
// parents, as nginx inherits a setting from the enclosing level; top is the
// main context. It returns nil if no level sets it.
func Lookup(top []*Directive, parents []*Directive, name string) *Directive {
	for i := len(parents) - 1; i >= 0; i-- {
		if ds := Find(parents[i].Block, name); len(ds) > 0 {
			return ds[len(ds)-1]
		}
	}
	if ds := Find(top, name); len(ds) > 0 {
		return ds[len(ds)-1]
	}
	return nil
}
