package discover

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// haSectionKeywords start a section of an HAProxy configuration.
var haSectionKeywords = map[string]bool{
	"global": true, "defaults": true, "frontend": true, "backend": true, "listen": true,
	"resolvers": true, "peers": true, "userlist": true, "mailers": true, "program": true,
	"http-errors": true, "ring": true, "cache": true, "fcgi-app": true, "crt-store": true,
	"log-forward": true, "traces": true, "acme": true,
}

// haLine is one configuration line split into words.
type haLine struct {
	words []string
	env   bool // a word uses an environment variable
	where string
}

// haSection is a section keyword line and the lines under it.
type haSection struct {
	kind  string // global, defaults, backend, …
	args  []string
	where string
	lines []haLine
}

// readHAProxy reads a configuration file, or every *.cfg file of a
// directory in lexical order, as HAProxy's -f does.
func readHAProxy(path string) ([]*haSection, error) {
	files := []string{path}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		m, err := filepath.Glob(filepath.Join(path, "*.cfg"))
		if err != nil {
			return nil, err
		}
		files = m // Glob sorts
	}
	var sections []*haSection
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading HAProxy config: %w", err)
		}
		s, err := parseHAProxy(string(data), f)
		if err != nil {
			return nil, err
		}
		sections = append(sections, s...)
	}
	return sections, nil
}

// parseHAProxy splits a configuration into sections. Lines before the first
// section keyword, and conditional-block directives (.if …), are ignored.
func parseHAProxy(text, file string) ([]*haSection, error) {
	var out []*haSection
	var cur *haSection
	for n, raw := range strings.Split(text, "\n") {
		where := file + ":" + strconv.Itoa(n+1)
		words, env, err := haWords(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if len(words) == 0 || strings.HasPrefix(words[0], ".") {
			continue
		}
		if haSectionKeywords[words[0]] {
			cur = &haSection{kind: words[0], args: words[1:], where: where}
			out = append(out, cur)
			continue
		}
		if cur != nil {
			cur.lines = append(cur.lines, haLine{words: words, env: env, where: where})
		}
	}
	return out, nil
}

// haWords splits a line as HAProxy does: blanks separate words, `#` starts
// a comment, a backslash escapes the next character (\r \n \t \xNN too),
// single quotes keep everything, double quotes allow escapes and
// environment variables ($NAME, ${NAME}), which env reports and which are
// kept as written.
func haWords(line string) (words []string, env bool, err error) {
	var w strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'' && c != '\'':
			w.WriteByte(c)
		case c == '\'' || c == '"':
			if quote == 0 {
				quote, inWord = c, true
			} else if quote == c {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case c == '\\' && i+1 < len(line):
			i++
			inWord = true
			switch e := line[i]; e {
			case 'r':
				w.WriteByte('\r')
			case 'n':
				w.WriteByte('\n')
			case 't':
				w.WriteByte('\t')
			case 'x':
				if i+2 < len(line) {
					if v, err := strconv.ParseUint(line[i+1:i+3], 16, 8); err == nil {
						w.WriteByte(byte(v))
						i += 2
						break
					}
				}
				w.WriteByte(e)
			default:
				w.WriteByte(e)
			}
		case quote == '"':
			if c == '$' {
				env = true
			}
			w.WriteByte(c)
		case c == '#':
			i = len(line)
		case c == ' ' || c == '\t' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, false, fmt.Errorf("unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, env, nil
}
