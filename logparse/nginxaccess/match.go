package nginxaccess

import "bytes"

// span is the position of a variable's value in the line.
type span struct{ start, end int }

// maxRetries bounds the backtracking of one line, so that a hostile line
// cannot make matching quadratic.
const maxRetries = 256

// matchFailure is where matching failed, the furthest into the line.
type matchFailure struct {
	op   int // index of the element that failed; len(ops) for trailing text
	pos  int // offset in the line; -1 when nothing failed yet
	kind failKind
}

type failKind uint8

const (
	failVariable failKind = iota // the variable's end was not found
	failLiteral                  // the literal was not at pos
	failTrailing                 // text after the end of the format
)

func (f *matchFailure) note(op, pos int, kind failKind) {
	if pos >= f.pos {
		*f = matchFailure{op: op, pos: pos, kind: kind}
	}
}

// match finds the value of every variable of the format in line and stores
// it in vals. Variables are matched left to right; only a scanGeneric
// variable is ambiguous, and on a later failure the last such variable is
// extended to the next occurrence of its terminator, as glob matching does
// with its last `*`.
func (p *Parser) match(line []byte, vals []span) (matchFailure, bool) {
	fail := matchFailure{pos: -1}
	pos, i := 0, 0
	bt, retries := -1, 0 // last scanGeneric element, for backtracking
	for {
		ok := false
		switch {
		case i == len(p.ops):
			if pos == len(line) {
				return fail, true
			}
			fail.note(i, pos, failTrailing)
		case p.ops[i].literal != "":
			lit := p.ops[i].literal
			if len(lit) == 1 && pos < len(line) && line[pos] == lit[0] ||
				len(lit) > 1 && len(line)-pos >= len(lit) && string(line[pos:pos+len(lit)]) == lit {
				pos += len(lit)
				ok = true
			} else {
				fail.note(i, pos, failLiteral)
			}
		default:
			op := &p.ops[i]
			var end int
			if end, ok = scanValue(op, line, pos); ok {
				vals[op.slot] = span{pos, end}
				if op.scan == scanGeneric {
					bt = i
				}
				pos = end
			} else {
				fail.note(i, pos, failVariable)
			}
		}
		if ok {
			i++
			continue
		}
		if bt < 0 || retries == maxRetries {
			return fail, false
		}
		retries++
		op := &p.ops[bt]
		v := &vals[op.slot]
		k := bytes.Index(line[v.end+1:], op.nextB)
		if k < 0 {
			return fail, false
		}
		v.end += 1 + k
		pos, i = v.end, bt+1
	}
}

// scanValue returns where the value of op that starts at pos ends.
func scanValue(op *formatOp, line []byte, pos int) (int, bool) {
	switch op.scan {
	case scanRest:
		if op.class != 0 {
			for _, c := range line[pos:] {
				if byteClass[c]&op.class == 0 {
					return pos, false
				}
			}
		}
		return len(line), true
	case scanFixed:
		if end := pos + op.width; end <= len(line) {
			return end, true
		}
		return pos, false
	case scanClass:
		end := pos
		for end < len(line) && byteClass[line[end]]&op.class != 0 {
			end++
		}
		return end, true // the literal that follows checks the rest
	case scanList:
		return listEnd(line, pos, op.next), true
	case scanQuoteDefault:
		k := bytes.IndexByte(line[pos:], '"')
		return pos + k, k >= 0
	case scanQuoteJSON:
		return jsonQuote(line, pos)
	default: // scanGeneric
		k := bytes.Index(line[pos:], op.nextB)
		return pos + k, k >= 0
	}
}

// listEnd returns the end of an upstream list that starts at pos and is
// followed by next (which does not start with an element byte). Elements
// never contain spaces, commas or quotes; ", " and " : " followed by an
// element continue the list. When next does not follow the longest list,
// the last separator at which next matches ends it instead (a format that
// separates fields with " : " or ", "). Two lists joined by a list
// separator (`$upstream_addr : $upstream_status`) are ambiguous and not
// supported: the first takes all but the last group.
func listEnd(line []byte, pos int, next string) int {
	i := pos
	for {
		for i < len(line) && byteClass[line[i]]&classElement != 0 {
			i++
		}
		sep := 0
		if rest := line[i:]; len(rest) > 2 && rest[0] == ',' && rest[1] == ' ' {
			sep = 2
		} else if len(rest) > 3 && rest[0] == ' ' && rest[1] == ':' && rest[2] == ' ' {
			sep = 3
		}
		if sep == 0 || byteClass[line[i+sep]]&classElement == 0 {
			break
		}
		i += sep
	}
	if hasPrefixAt(line, i, next) {
		return i
	}
	for j := i - 1; j > pos; j-- {
		if c := line[j]; (c == ',' || c == ' ') && hasPrefixAt(line, j, next) {
			return j
		}
	}
	return i
}

// jsonQuote returns the offset of the first `"` at or after pos that is not
// escaped by a backslash (escape=json writes `"` as \" and `\` as \\).
func jsonQuote(line []byte, pos int) (int, bool) {
	for j := pos; j < len(line); {
		k := bytes.IndexByte(line[j:], '"')
		if k < 0 {
			break
		}
		q := j + k
		n := 0
		for b := q - 1; b >= pos && line[b] == '\\'; b-- {
			n++
		}
		if n%2 == 0 {
			return q, true
		}
		j = q + 1
	}
	return pos, false
}

func hasPrefixAt(line []byte, i int, s string) bool {
	return len(line)-i >= len(s) && string(line[i:i+len(s)]) == s
}
