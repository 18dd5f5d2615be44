// Package nginxconf reads nginx configuration into a tree of directives,
// from a file and its includes (Load) or from the output of `nginx -T`
// (Dump, ParseDump), for the two things that need it: discovering the
// upstreams to probe (package discover) and compiling the access-log format
// that log_format_from names (LogFormats). Every directive keeps the file
// and line it was written at, so that callers can point at it.
//
// It does not know what directives mean, except `include` (expanded by Load
// and ParseDump), *_by_lua_block (whose Lua body is skipped) and log_format
// (LogFormats).
//
// The tokenizer and parser are hand-written, and fuzzed (FuzzParse),
// because NGINX's own Go parser (github.com/nginxinc/nginx-go-crossplane)
// is not served by the module proxy these builds reach. The grammar is
// small (that of ngx_conf_read_token: words, quotes, escapes, comments,
// `;`, `{`, `}`); keep this package to it and to the few directives above.
package nginxconf

import (
	"fmt"
	"strconv"
	"strings"
)

// Directive is one directive: a name, its arguments and, for a block
// directive such as `http { … }`, its children.
type Directive struct {
	Name  string
	Args  []string     // unquoted and unescaped
	Block []*Directive // children; nil for a simple directive, empty for `{}`
	File  string       // the file it was read from
	Line  int          // the line its name is on
}

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

// syntaxError is a configuration that nginx would not parse.
type syntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
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
