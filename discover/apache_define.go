package discover

import (
	"fmt"
	"strings"
)

// apacheMaxExpansion bounds the bytes that `${NAME}` expansion adds to a
// whole configuration, so that defines that double each other cannot
// exhaust memory.
const apacheMaxExpansion = 64 << 20

// expand replaces each `${NAME}` of s whose NAME is defined by its value,
// as Apache does when it reads a line (ap_resolve_env); an undefined one
// stays as written (Apache warns AH00111 and keeps it too).
func (r *apacheReader) expand(s string) (string, error) {
	if !strings.Contains(s, "${") || len(r.defines) == 0 {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		v, ok := r.defines[s[i+2:i+j]]
		if !ok {
			v = s[i : i+j+1]
		}
		if r.expanded += len(v); r.expanded > apacheMaxExpansion || b.Len()+len(v) > apacheMaxLine {
			return "", fmt.Errorf("${...} expansion makes the configuration longer than %d bytes, or a line longer than %d", apacheMaxExpansion, apacheMaxLine)
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String(), nil
}

// ifDefine decides `<IfDefine [!]NAME>`: true when the defines are not all
// known (the reader then reads every branch, so no backend is missed).
func (r *apacheReader) ifDefine(args []string) bool {
	if !r.strictDefines || len(args) == 0 {
		return true
	}
	name, negated := strings.CutPrefix(args[0], "!")
	_, defined := r.defines[name]
	return defined != negated
}

// skipLine follows the sections inside a false <IfDefine> until its end.
func (r *apacheReader) skipLine(line string) {
	switch {
	case strings.HasPrefix(line, "</"):
		r.skip--
	case strings.HasPrefix(line, "<"):
		r.skip++
	}
}
