package discover

import "slices"

// HAProxySection is one section of an HAProxy configuration, read as
// HAProxy reads it (HAProxy's quoting and escapes, `#` comments, every
// *.cfg file of a directory in lexical order).
type HAProxySection struct {
	Kind  string // global, defaults, frontend, backend, listen, …
	Name  string // "" for global and an unnamed defaults section
	Where string // file:line of the section's keyword line
	Lines []HAProxyLine
	// Defaults is the defaults section this one inherits from: the one its
	// `from` names, else (frontend, backend, listen) the last defaults
	// section before it; nil when none.
	Defaults *HAProxySection
}

// HAProxyLine is a line of a section split into words, and its file:line.
type HAProxyLine struct {
	Words []string
	Where string
}

// HAProxySections reads the sections of an HAProxy configuration (a file,
// or a directory of *.cfg files) with the defaults each inherits from.
func HAProxySections(path string) ([]*HAProxySection, error) {
	sections, err := readHAProxy(path)
	if err != nil {
		return nil, err
	}
	out := make([]*HAProxySection, 0, len(sections))
	named := map[string]*HAProxySection{}
	var last *HAProxySection
	for _, s := range sections {
		h := &HAProxySection{Kind: s.kind, Where: s.where}
		if len(s.args) > 0 && s.args[0] != "from" {
			h.Name = s.args[0]
		}
		for _, l := range s.lines {
			h.Lines = append(h.Lines, HAProxyLine{Words: l.words, Where: l.where})
		}
		from := -1
		if s.kind == "defaults" || s.kind == "frontend" || s.kind == "backend" || s.kind == "listen" {
			from = slices.Index(s.args, "from")
		}
		switch {
		case from >= 0 && from+1 < len(s.args):
			h.Defaults = named[s.args[from+1]]
		case s.kind == "frontend" || s.kind == "backend" || s.kind == "listen":
			h.Defaults = last
		}
		if s.kind == "defaults" {
			last = h
			if h.Name != "" {
				named[h.Name] = h
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// Lookup is the line in force in the section for the first word key (the
// first two when key has two words, as "timeout server"): the last such
// line of the section, else of the defaults it inherits from.
func (s *HAProxySection) Lookup(key ...string) (HAProxyLine, bool) {
	for d, depth := s, 0; d != nil && depth < 64; d, depth = d.Defaults, depth+1 {
		for i := len(d.Lines) - 1; i >= 0; i-- {
			if w := d.Lines[i].Words; len(w) > len(key) && slices.Equal(w[:len(key)], key) {
				return d.Lines[i], true
			}
		}
	}
	return HAProxyLine{}, false
}
