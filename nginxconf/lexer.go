package nginxconf

import (
	"bytes"
	"fmt"
	"strings"
)

// tokenKind tells words from the three punctuation tokens.
type tokenKind uint8

const (
	tokWord       tokenKind = iota // a directive name or argument
	tokSemicolon                   // ;
	tokBlockStart                  // {
	tokBlockEnd                    // }
	tokEOF
)

type token struct {
	kind tokenKind
	text string // unquoted, unescaped value of a word
	line int
}

// lexer splits nginx configuration text into tokens the way
// ngx_conf_read_token does: whitespace separates words, `#` at the start of
// a word starts a comment to the end of the line, quotes group a word, a
// backslash escapes the next character, and `${name}` keeps its braces.
type lexer struct {
	src  []byte
	pos  int
	line int
	file string
}

func newLexer(src []byte, file string) *lexer {
	return &lexer{src: src, line: 1, file: file}
}

func (l *lexer) errorf(line int, format string, args ...any) error {
	return &syntaxError{File: l.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case c == '#':
			end := bytes.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				l.pos = len(l.src)
			} else {
				l.pos += end
			}
		case c == ';':
			l.pos++
			return token{kind: tokSemicolon, line: l.line}, nil
		case c == '{':
			l.pos++
			return token{kind: tokBlockStart, line: l.line}, nil
		case c == '}':
			l.pos++
			return token{kind: tokBlockEnd, line: l.line}, nil
		case c == '"' || c == '\'':
			return l.quoted(c)
		default:
			return l.word()
		}
	}
	return token{kind: tokEOF, line: l.line}, nil
}

// quoted reads a word in quotes; the character after the closing quote must
// end the word.
func (l *lexer) quoted(q byte) (token, error) {
	start := l.line
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == q:
			l.pos++
			if l.pos < len(l.src) && !isSeparator(l.src[l.pos]) && l.src[l.pos] != '{' && l.src[l.pos] != ')' {
				return token{}, l.errorf(l.line, "unexpected %q after a quoted string", l.src[l.pos])
			}
			return token{kind: tokWord, text: b.String(), line: start}, nil
		case c == '\\' && l.pos+1 < len(l.src):
			l.pos++
			l.escape(&b, l.src[l.pos])
		default:
			if c == '\n' {
				l.line++
			}
			b.WriteByte(c)
		}
		l.pos++
	}
	return token{}, l.errorf(start, "unexpected end of file, expecting %q", q)
}

// word reads an unquoted word. As in nginx, only whitespace, `;` and `{`
// (unless right after `$`) end it: quotes and `}` inside a word are
// ordinary characters.
func (l *lexer) word() (token, error) {
	start := l.line
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\\' && l.pos+1 < len(l.src):
			l.pos++
			l.escape(&b, l.src[l.pos])
		case c == '{' && strings.HasSuffix(b.String(), "$"):
			b.WriteByte(c) // ${name}: a variable, not a block
		case isSeparator(c) || c == '{':
			return token{kind: tokWord, text: b.String(), line: start}, nil
		default:
			b.WriteByte(c)
		}
		l.pos++
	}
	return token{kind: tokWord, text: b.String(), line: start}, nil
}

// escape writes the character after a backslash as nginx unescapes it:
// \" \' \\ \t \r \n; any other pair is kept as written.
func (l *lexer) escape(b *strings.Builder, c byte) {
	switch c {
	case '"', '\'', '\\':
		b.WriteByte(c)
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'n':
		b.WriteByte('\n')
	default:
		if c == '\n' {
			l.line++
		}
		b.WriteByte('\\')
		b.WriteByte(c)
	}
}

// skipRaw skips the body of a *_by_lua_block up to its closing brace
// (the opening one is already consumed), honouring Lua strings and comments
// well enough for configuration files.
func (l *lexer) skipRaw(open int) error {
	depth := 1
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch c {
		case '\n':
			l.line++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				l.pos++
				return nil
			}
		case '"', '\'':
			for l.pos++; l.pos < len(l.src) && l.src[l.pos] != c; l.pos++ {
				if l.src[l.pos] == '\\' {
					l.pos++
				} else if l.src[l.pos] == '\n' {
					l.line++
				}
			}
		case '-':
			if l.pos+1 < len(l.src) && l.src[l.pos+1] == '-' {
				for l.pos < len(l.src) && l.src[l.pos] != '\n' {
					l.pos++
				}
				continue
			}
		}
		l.pos++
	}
	return l.errorf(open, "unexpected end of file in a Lua block")
}

func isSeparator(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';'
}
