// Package nginxaccess has one job: compiling an nginx log_format into a
// parser for the access-log lines it writes, which reads the status, the
// upstream attempts and whether nginx itself generated a 5xx. It shares
// nothing with the error-log parsers but the family: its records are not
// logparse events.
package nginxaccess

import "fmt"

// LogFormatEscape is the escaping of an nginx log_format
// (`log_format name escape=default|json|none '...'`), which decides how
// variable values appear in the line (ngx_http_log_module.c):
//
//   - default: `"`, `\`, bytes below 0x20 and from 0x7f up are written as
//     \xHH; a variable that is not found is written as `-`.
//   - json: `"` and `\` get a backslash, control bytes become \n, \r, \t,
//     \b, \f or \u00HH; a variable that is not found is written as nothing.
//   - none: values are copied as they are; not found is written as nothing.
//
// The variables nginx's log module computes itself ($status, $time_local,
// $request_time, $msec, $bytes_sent, $body_bytes_sent, $request_length,
// $pipe, $time_iso8601) are never escaped and never empty.
type LogFormatEscape uint8

// Escapings.
const (
	LogFormatEscapeDefault LogFormatEscape = iota
	LogFormatEscapeJSON
	LogFormatEscapeNone
)

// String returns the word nginx uses after `escape=`.
func (e LogFormatEscape) String() string {
	switch e {
	case LogFormatEscapeDefault:
		return "default"
	case LogFormatEscapeJSON:
		return "json"
	case LogFormatEscapeNone:
		return "none"
	}
	return fmt.Sprintf("LogFormatEscape(%d)", uint8(e))
}

// ParseLogFormatEscape maps "default", "json" or "none" (the value of a
// log_format's `escape=` parameter) to its LogFormatEscape.
func ParseLogFormatEscape(s string) (LogFormatEscape, error) {
	for _, e := range []LogFormatEscape{LogFormatEscapeDefault, LogFormatEscapeJSON, LogFormatEscapeNone} {
		if s == e.String() {
			return e, nil
		}
	}
	return 0, fmt.Errorf("log_format: unknown escaping %q: want default, json or none", s)
}

// The log formats BuiltinLogFormat knows.
const (
	// formatCombined is compiled into nginx (ngx_http_combined_fmt).
	formatCombined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`
	// formatMain is defined by the nginx.conf of the nginx.org packages
	// (and commented out in nginx's own conf/nginx.conf).
	formatMain = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"`
	// formatUpstreamInfo is ingress-nginx's default log-format-upstream.
	formatUpstreamInfo = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`
)

// BuiltinLogFormat returns the format string of a log format that nginx or
// a common distribution of it defines without the user writing it:
// "combined" (compiled into nginx), "main" (the nginx.org packages'
// nginx.conf) and "upstreaminfo" (ingress-nginx's default). There is no
// "common": nginx has no such format.
func BuiltinLogFormat(name string) (string, bool) {
	switch name {
	case "combined":
		return formatCombined, true
	case "main":
		return formatMain, true
	case "upstreaminfo":
		return formatUpstreamInfo, true
	}
	return "", false
}

// Compile compiles an nginx log_format string (its quoted parts
// joined as nginx joins them, without separators) into a parser for the
// lines it produces. escape is the format's `escape=` parameter.
//
// It fails on an unknown escaping, an empty format, a `$` without a valid
// variable name, an unclosed `${`, and two variables with no literal text
// between them (`$a$b`), whose values cannot be told apart; only a
// fixed-width variable ($time_local, $time_iso8601) may be followed directly
// by another.
func Compile(format string, escape LogFormatEscape) (*Parser, error) {
	if escape > LogFormatEscapeNone {
		return nil, fmt.Errorf("log_format: unknown escaping %v", escape)
	}
	if format == "" {
		return nil, fmt.Errorf("log_format: empty format")
	}
	ops, err := tokenizeLogFormat(format)
	if err != nil {
		return nil, err
	}
	p := &Parser{format: format, escape: escape}
	if err := p.compileOps(ops); err != nil {
		return nil, err
	}
	return p, nil
}

// compileOps gives every variable of ops its slot and scan, and indexes the
// slots of the fields the record decodes.
func (p *Parser) compileOps(ops []formatOp) error {
	for i := range ops {
		op := &ops[i]
		if op.literal != "" {
			continue
		}
		op.slot = p.slotOf(op.name)
		var next *formatOp
		if i+1 < len(ops) {
			next = &ops[i+1]
		}
		if err := op.chooseScan(next, p.escape); err != nil {
			return err
		}
	}
	p.ops = ops
	p.indexFields()
	return nil
}

// tokenizeLogFormat splits a format into literals and variables the way
// ngx_http_log_compile_format does: `$name` runs over [A-Za-z0-9_], `${name}`
// up to the closing brace. Names are lowercased, as nginx does.
func tokenizeLogFormat(format string) ([]formatOp, error) {
	var ops []formatOp
	for i := 0; i < len(format); {
		if format[i] != '$' {
			j := i + 1
			for j < len(format) && format[j] != '$' {
				j++
			}
			ops = append(ops, formatOp{literal: format[i:j]})
			i = j
			continue
		}
		start := i
		i++
		bracket := i < len(format) && format[i] == '{'
		if bracket {
			i++
		}
		nameStart := i
		for i < len(format) && isVarNameByte(format[i]) {
			i++
		}
		name := format[nameStart:i]
		if bracket {
			if i >= len(format) || format[i] != '}' {
				return nil, fmt.Errorf("log_format: the closing bracket in %q variable is missing", format[start:i])
			}
			i++
		}
		if name == "" {
			return nil, fmt.Errorf("log_format: invalid parameter %q: `$` must be followed by a variable name", format[start:])
		}
		ops = append(ops, formatOp{name: lowerASCII(name)})
	}
	return ops, nil
}

func isVarNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
