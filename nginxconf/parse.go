package nginxconf

import "strings"

// maxDepth bounds block nesting, so a hostile file cannot exhaust the stack.
const maxDepth = 100

// parseBytes parses the directives of one file.
func parseBytes(src []byte, file string) ([]*Directive, error) {
	p := &parser{lx: newLexer(src, file)}
	ds, err := p.block(0, 0)
	if err != nil {
		return nil, err
	}
	return ds, nil
}

type parser struct {
	lx *lexer
}

// block reads directives up to the `}` that closes a block opened at line
// open (depth > 0), or to the end of the file (depth 0).
func (p *parser) block(depth, open int) ([]*Directive, error) {
	if depth > maxDepth {
		return nil, p.lx.errorf(open, "blocks nested deeper than %d levels", maxDepth)
	}
	ds := []*Directive{}
	var cur *Directive
	for {
		tok, err := p.lx.next()
		if err != nil {
			return nil, err
		}
		switch tok.kind {
		case tokWord:
			if cur == nil {
				cur = &Directive{Name: tok.text, File: p.lx.file, Line: tok.line}
				continue
			}
			cur.Args = append(cur.Args, tok.text)
		case tokSemicolon:
			if cur == nil {
				return nil, p.lx.errorf(tok.line, `unexpected ";"`)
			}
			ds = append(ds, cur)
			cur = nil
		case tokBlockStart:
			if cur == nil {
				return nil, p.lx.errorf(tok.line, `unexpected "{"`)
			}
			if strings.HasSuffix(cur.Name, "_by_lua_block") {
				if err := p.lx.skipRaw(tok.line); err != nil {
					return nil, err
				}
				cur.Block = []*Directive{}
			} else {
				children, err := p.block(depth+1, tok.line)
				if err != nil {
					return nil, err
				}
				cur.Block = children
			}
			ds = append(ds, cur)
			cur = nil
		case tokBlockEnd:
			if cur != nil {
				return nil, p.lx.errorf(tok.line, `unexpected "}": %q is not terminated by ";"`, cur.Name)
			}
			if depth == 0 {
				return nil, p.lx.errorf(tok.line, `unexpected "}"`)
			}
			return ds, nil
		case tokEOF:
			if cur != nil {
				return nil, p.lx.errorf(tok.line, `unexpected end of file, expecting ";" or "}"`)
			}
			if depth > 0 {
				return nil, p.lx.errorf(tok.line, `unexpected end of file, expecting "}" for the block opened at line %d`, open)
			}
			return ds, nil
		}
	}
}
