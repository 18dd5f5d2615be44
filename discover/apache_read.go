package discover

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Limits on what an Apache configuration may make the reader do: an
// Include that includes itself, or a glob over a huge tree, ends in an
// error instead of a hang.
const (
	apacheMaxIncludeDepth = 16
	apacheMaxFiles        = 1000
	apacheMaxLine         = 1 << 20 // bytes in one logical line
)

// apacheDirective is one directive of an Apache configuration, with the
// sections it sits in (outermost first), e.g. ["virtualhost *:80",
// "proxy balancer://app"]: each is the section's name in lower case and its
// first argument.
type apacheDirective struct {
	name     string // lower case
	args     []string
	file     string
	line     int
	sections []string
	text     string // the line as written, for the status page
}

func (d *apacheDirective) where() string { return fmt.Sprintf("%s:%d", d.file, d.line) }

func (d *apacheDirective) arg(i int) string {
	if i < len(d.args) {
		return d.args[i]
	}
	return ""
}

// apacheReader reads a configuration with its Include and IncludeOptional
// files, in the order Apache reads them. Conditional sections (<IfModule>,
// <IfVersion>, <If>) are read as if true; so is <IfDefine> unless the
// defines are known (strictDefines: from `apachectl -S`), then it is
// decided as Apache does. `${NAME}` is replaced by the value of `Define
// NAME VALUE` (or a define given), as Apache does when it reads the line;
// an unknown one stays as written.
type apacheReader struct {
	serverRoot    string
	files         int
	directives    []*apacheDirective
	defines       map[string]string
	strictDefines bool
	skip          int // > 0 inside an <IfDefine> that is false: its nesting depth
	expanded      int // bytes `${NAME}` expansion added so far
}

// readApache reads the configuration file at path; a relative Include is
// relative to ServerRoot (by default the main file's directory).
func readApache(path string) ([]*apacheDirective, error) {
	return readApacheFiles([]string{path}, filepath.Dir(path), nil, false)
}

// readApacheFiles reads files in order, with ServerRoot serverRoot and
// the given defines (strict: they are all the defines, so <IfDefine> can
// be decided).
func readApacheFiles(paths []string, serverRoot string, defines map[string]string, strict bool) ([]*apacheDirective, error) {
	r := &apacheReader{serverRoot: serverRoot, defines: maps.Clone(defines), strictDefines: strict}
	if r.defines == nil {
		r.defines = map[string]string{}
	}
	for _, path := range paths {
		if err := r.readFile(path, nil, 0); err != nil {
			return nil, err
		}
	}
	return r.directives, nil
}

func (r *apacheReader) readFile(path string, sections []string, depth int) error {
	if r.files++; r.files > apacheMaxFiles {
		return fmt.Errorf("%s: more than %d configuration files", path, apacheMaxFiles)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("apache config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), apacheMaxLine)
	base := len(sections)
	sections = slices.Clone(sections)
	var logical strings.Builder
	lineNo, start := 0, 0
	for sc.Scan() {
		lineNo++
		text := sc.Text()
		if logical.Len() == 0 {
			start = lineNo
		}
		if cont, ok := strings.CutSuffix(text, "\\"); ok {
			if logical.Len()+len(cont) > apacheMaxLine {
				return fmt.Errorf("%s:%d: line longer than %d bytes", path, start, apacheMaxLine)
			}
			logical.WriteString(cont)
			continue
		}
		logical.WriteString(text)
		line := strings.TrimSpace(logical.String())
		logical.Reset()
		if line == "" || line[0] == '#' {
			continue
		}
		if r.skip > 0 {
			r.skipLine(line)
			continue
		}
		where := fmt.Sprintf("%s:%d", path, start)
		if err := r.line(line, path, start, &sections, base, depth); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", path, lineNo+1, err)
	}
	if len(sections) > base {
		return fmt.Errorf("%s:%d: <%s> is not closed", path, lineNo, sections[len(sections)-1])
	}
	if r.skip > 0 {
		r.skip = 0
		return fmt.Errorf("%s:%d: <ifdefine> is not closed", path, lineNo)
	}
	return nil
}

// line handles one logical line: a section's start or end, an Include,
// or a directive.
func (r *apacheReader) line(line, path string, lineNo int, sections *[]string, base, depth int) error {
	if rest, ok := strings.CutPrefix(line, "</"); ok {
		body, closed := strings.CutSuffix(rest, ">")
		if !closed {
			return errors.New("section end without a closing '>'")
		}
		name := strings.ToLower(strings.TrimSpace(body))
		if len(*sections) == base {
			return fmt.Errorf("</%s> without a section to close", name)
		}
		open := (*sections)[len(*sections)-1]
		if openName, _, _ := strings.Cut(open, " "); openName != name {
			return fmt.Errorf("</%s> closes <%s>", name, openName)
		}
		*sections = (*sections)[:len(*sections)-1]
		return nil
	}
	if rest, ok := strings.CutPrefix(line, "<"); ok {
		body, closed := strings.CutSuffix(rest, ">")
		if !closed {
			return errors.New("section start without a closing '>'")
		}
		expanded, err := r.expand(body)
		if err != nil {
			return err
		}
		words, err := apacheWords(expanded)
		if err != nil || len(words) == 0 {
			return fmt.Errorf("cannot read the section start %q", line)
		}
		if strings.EqualFold(words[0], "ifdefine") && !r.ifDefine(words[1:]) {
			r.skip = 1
			return nil
		}
		sec := strings.ToLower(words[0])
		if len(words) > 1 {
			sec += " " + words[1]
		}
		*sections = append(*sections, sec)
		return nil
	}
	expanded, err := r.expand(line)
	if err != nil {
		return err
	}
	words, err := apacheWords(expanded)
	if err != nil {
		return err
	}
	d := &apacheDirective{name: strings.ToLower(words[0]), args: words[1:], file: path, line: lineNo,
		sections: slices.Clone(*sections), text: line}
	switch d.name {
	case "serverroot":
		if len(d.args) == 1 {
			r.serverRoot = d.args[0]
		}
	case "include", "includeoptional":
		return r.include(d, *sections, depth)
	case "define":
		if len(d.args) > 0 {
			r.defines[d.args[0]] = d.arg(1)
		}
	case "undefine":
		if len(d.args) > 0 {
			delete(r.defines, d.args[0])
		}
	}
	r.directives = append(r.directives, d)
	return nil
}

// include reads the files an Include names: a file, a directory (all its
// files) or a glob; Include fails when nothing matches, IncludeOptional
// does not.
func (r *apacheReader) include(d *apacheDirective, sections []string, depth int) error {
	if len(d.args) != 1 {
		return fmt.Errorf("%s takes one path", d.name)
	}
	if depth+1 > apacheMaxIncludeDepth {
		return fmt.Errorf("includes nested deeper than %d", apacheMaxIncludeDepth)
	}
	pattern := d.args[0]
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(r.serverRoot, pattern)
	}
	names, err := filepath.Glob(pattern)
	if err != nil {
		return fmt.Errorf("include %q: %w", d.args[0], err)
	}
	if len(names) == 0 && d.name == "include" {
		return fmt.Errorf("include %q: no such file", d.args[0])
	}
	slices.Sort(names)
	for _, name := range names {
		fi, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("include %q: %w", d.args[0], err)
		}
		files := []string{name}
		switch {
		case !fi.IsDir() && !fi.Mode().IsRegular():
			return fmt.Errorf("include %q: %s is not a regular file", d.args[0], name)
		case fi.IsDir():
			entries, err := os.ReadDir(name)
			if err != nil {
				return fmt.Errorf("include %q: %w", d.args[0], err)
			}
			files = files[:0]
			for _, e := range entries {
				if e.Type().IsRegular() {
					files = append(files, filepath.Join(name, e.Name()))
				}
			}
		}
		for _, f := range files {
			if err := r.readFile(f, sections, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// apacheWords splits a line into words: separated by spaces and tabs,
// quoted with " or ', in which a backslash escapes the next character.
func apacheWords(s string) ([]string, error) {
	var words []string
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			break
		}
		if q := s[i]; q == '"' || q == '\'' {
			var w strings.Builder
			i++
			for ; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				w.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, fmt.Errorf("unclosed quote in %q", s)
			}
			words = append(words, w.String())
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		words = append(words, s[i:j])
		i = j
	}
	return words, nil
}
