package nginxconf

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// maxIncludeDepth bounds nested includes: nginx itself would loop forever
// on a file that includes itself.
const maxIncludeDepth = 32

// maxIncludedFiles bounds the files one configuration reads through its
// includes: without it, files that each include the next one twice would
// make 2^32 reads within the depth limit.
const maxIncludedFiles = 10000

// Load reads the main configuration file at path and every file its include
// directives name. Relative include paths are relative to the directory of
// the main file, as nginx resolves them against its configuration prefix
// when started with -c. A glob that matches nothing is not an error, a
// missing plain file is (both as in nginx).
func Load(path string) (*Config, error) {
	return load(path, diskSource{}, filepath.Dir(path))
}

// source is where included files come from: the disk, or the sections of
// an `nginx -T` dump.
type source interface {
	read(name string) ([]byte, error)
	glob(pattern string) ([]string, error)
}

type diskSource struct{}

func (diskSource) read(name string) ([]byte, error) { return os.ReadFile(name) }

// glob skips directories, which a pattern such as conf.d/* also matches.
func (diskSource) glob(pattern string) ([]string, error) {
	m, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	files := m[:0]
	for _, name := range m {
		if fi, err := os.Stat(name); err != nil || !fi.IsDir() {
			files = append(files, name)
		}
	}
	return files, nil
}

func load(path string, src source, prefix string) (*Config, error) {
	data, err := src.read(path)
	if err != nil {
		return nil, fmt.Errorf("reading nginx config: %w", err)
	}
	ds, err := parseBytes(data, path)
	if err != nil {
		return nil, err
	}
	x := &expander{src: src, prefix: prefix, files: []string{path}}
	ds, err = x.expand(ds, 0)
	if err != nil {
		return nil, err
	}
	return &Config{File: path, Directives: ds, Files: x.files}, nil
}

type expander struct {
	src    source
	prefix string
	files  []string
}

// expand replaces include directives, at any depth, by the directives of
// the files they name.
func (x *expander) expand(ds []*Directive, depth int) ([]*Directive, error) {
	out := make([]*Directive, 0, len(ds))
	for _, d := range ds {
		if d.Block != nil {
			children, err := x.expand(d.Block, depth)
			if err != nil {
				return nil, err
			}
			d.Block = children
		}
		if d.Name != "include" || d.Block != nil {
			out = append(out, d)
			continue
		}
		included, err := x.include(d, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, included...)
	}
	return out, nil
}

func (x *expander) include(d *Directive, depth int) ([]*Directive, error) {
	if len(d.Args) != 1 {
		return nil, &syntaxError{File: d.File, Line: d.Line, Msg: `"include" takes one argument`}
	}
	if depth >= maxIncludeDepth {
		return nil, &syntaxError{File: d.File, Line: d.Line, Msg: fmt.Sprintf("includes nested deeper than %d levels", maxIncludeDepth)}
	}
	pattern := d.Args[0]
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(x.prefix, pattern)
	}
	var names []string
	if strings.ContainsAny(pattern, "*?[") {
		m, err := x.src.glob(pattern)
		if err != nil {
			return nil, &syntaxError{File: d.File, Line: d.Line, Msg: fmt.Sprintf("include %q: %v", d.Args[0], err)}
		}
		sort.Strings(m)
		names = m
	} else {
		names = []string{pattern}
	}
	var out []*Directive
	for _, name := range names {
		if len(x.files) >= maxIncludedFiles {
			return nil, &syntaxError{File: d.File, Line: d.Line, Msg: fmt.Sprintf("includes read more than %d files", maxIncludedFiles)}
		}
		data, err := x.src.read(name)
		if err != nil {
			return nil, fmt.Errorf("%s: include %q: %w", d.Where(), d.Args[0], err)
		}
		x.files = append(x.files, name)
		ds, err := parseBytes(data, name)
		if err != nil {
			return nil, err
		}
		ds, err = x.expand(ds, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}
