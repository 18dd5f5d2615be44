package nginxaccess

import "fmt"

// LogFormatMismatch is the error of a line that does not match its log
// format. Count such lines as unrecognized.
type LogFormatMismatch struct {
	// Variable is the variable where matching failed, with its `$`: the one
	// whose end was not found, or the one after which Expected is missing;
	// "" when the format starts with the literal that is missing.
	Variable string
	// Expected is the literal text of the format that was expected at
	// Offset; "" when the end of Variable was not found or the line goes on
	// after the end of the format (Trailing).
	Expected string
	// Trailing: the whole format matched, but the line is longer.
	Trailing bool
	// Offset is the byte offset in the line where matching failed.
	Offset int
	// Sample is a short piece of the line around Offset (at most 80 bytes).
	Sample string

	until string // the literal that should have ended Variable
}

// SampleLen is the maximal length of LogFormatMismatch.Sample.
const SampleLen = 80

// Error describes the mismatch in one line.
func (e *LogFormatMismatch) Error() string {
	var what string
	switch {
	case e.Trailing:
		what = "unexpected text after the end of the format"
		if e.Variable != "" {
			what += " (after " + e.Variable + ")"
		}
	case e.Expected != "" && e.Variable != "":
		what = fmt.Sprintf("expected %q after %s", e.Expected, e.Variable)
	case e.Expected != "":
		what = fmt.Sprintf("expected %q", e.Expected)
	default:
		what = "no valid value of " + e.Variable
		if e.until != "" {
			what += fmt.Sprintf(" followed by %q", e.until)
		}
	}
	return fmt.Sprintf("line does not match log_format at byte %d: %s: %q", e.Offset, what, e.Sample)
}

// mismatch builds the error for a failed match.
func (p *Parser) mismatch(line []byte, f matchFailure) *LogFormatMismatch {
	e := &LogFormatMismatch{Offset: f.pos}
	switch f.kind {
	case failTrailing:
		e.Trailing = true
		e.Variable = p.varBefore(f.op)
	case failLiteral:
		e.Expected = p.ops[f.op].literal
		e.Variable = p.varBefore(f.op)
	default:
		e.Variable, e.until = p.ops[f.op].display(), p.ops[f.op].next
	}
	start := max(0, f.pos-SampleLen/4)
	end := min(len(line), start+SampleLen)
	e.Sample = string(line[start:end])
	return e
}

// varBefore returns "$name" of the variable just before element i (before
// the last literal for the end of the format), or "".
func (p *Parser) varBefore(i int) string {
	if i == len(p.ops) && i > 0 && p.ops[i-1].literal != "" {
		i--
	}
	if i > 0 && p.ops[i-1].literal == "" {
		return p.ops[i-1].display()
	}
	return ""
}

// AppendUnescaped appends raw, a value as the parser's escaping wrote it, to
// dst with the escaping undone: \xHH in escape=default; \" \\ \n \r \t \b
// \f \uXXXX (up to U+00FF, all nginx writes) in escape=json. Malformed
// escapes are copied as they are.
func (p *Parser) AppendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || p.escape == LogFormatEscapeNone || i+1 == len(raw) {
			dst = append(dst, c)
			continue
		}
		if p.escape == LogFormatEscapeDefault {
			if i+3 < len(raw) && raw[i+1] == 'x' && isHex(raw[i+2]) && isHex(raw[i+3]) {
				dst = append(dst, unhex(raw[i+2])<<4|unhex(raw[i+3]))
				i += 3
				continue
			}
			dst = append(dst, c)
			continue
		}
		if d := jsonEscapes[raw[i+1]]; d != 0 {
			dst = append(dst, d)
			i++
			continue
		}
		if i+5 < len(raw) && raw[i+1] == 'u' && raw[i+2] == '0' && raw[i+3] == '0' && isHex(raw[i+4]) && isHex(raw[i+5]) {
			dst = append(dst, unhex(raw[i+4])<<4|unhex(raw[i+5]))
			i += 5
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// jsonEscapes maps the letter after a backslash to the byte it stands for.
var jsonEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f'}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
