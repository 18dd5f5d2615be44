package nginxaccess

import (
	"fmt"
	"strings"
)

// Apache httpd's access log (mod_log_config) is read by the same matcher as
// nginx's: an Apache LogFormat string compiles to the same elements, the
// directives that have an nginx counterpart under its variable's name
// (%>s is $status, %v $server_name, %V $host, %r $request,
// %{BALANCER_WORKER_NAME}e $upstream_addr …), so a Record reads the same.

// The nicknames of the LogFormats that Apache's stock configurations define
// (httpd's httpd.conf, Debian's apache2.conf).
var apacheNicknames = map[string]string{
	"common":         `%h %l %u %t "%r" %>s %b`,
	"combined":       `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`,
	"combinedio":     `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %I %O`,
	"vhost_combined": `%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`,
	"referer":        `%{Referer}i -> %U`,
	"agent":          `%{User-agent}i`,
}

// ApacheLogFormat returns the format string of a LogFormat nickname that
// Apache's stock configuration defines: common, combined, combinedio,
// vhost_combined, referer, agent (combined and common as in httpd.conf,
// with %b; Debian's write %O, which matches the same lines).
func ApacheLogFormat(nickname string) (string, bool) {
	f, ok := apacheNicknames[nickname]
	return f, ok
}

// apacheDirective says what one mod_log_config directive compiles to.
type apacheDirective struct {
	name  string // the nginx variable it stands for, or an apache_* name
	class uint8  // byte class of its values; 0: any
}

// apacheDirectives are the directives without an argument, by letter.
// Apache escapes `"`, `\` and non-printable bytes in the values it copies
// from the request (ap_escape_logitem), so a quoted value ends at the first
// `"` without a backslash before it, as with nginx's escape=json.
var apacheDirectives = map[byte]apacheDirective{
	'a': {"apache_client_ip", classToken}, 'A': {"server_addr", classToken},
	'b': {"body_bytes_sent", classDigits}, 'B': {"apache_body_bytes", classDigits},
	'D': {"apache_time_us", classDigits}, 'f': {"apache_filename", 0},
	'h': {"remote_addr", classToken}, 'H': {"server_protocol", classToken},
	'I': {"request_length", classDigits}, 'k': {"connection_requests", classDigits},
	'l': {"apache_logname", 0}, 'L': {"request_id", classToken},
	'm': {"request_method", classToken}, 'O': {"bytes_sent", classDigits},
	'p': {"server_port", classDigits}, 'P': {"pid", classToken},
	'q': {"apache_query", 0}, 'r': {"request", 0}, 'R': {"apache_handler", classToken},
	'S': {"apache_bytes_transferred", classDigits}, 'u': {"remote_user", 0},
	'U': {"apache_url_path", 0}, 'v': {"server_name", classToken}, 'V': {"host", classToken},
	'X': {"apache_connection_status", classToken},
}

// CompileApache compiles an Apache httpd LogFormat string (or one of the
// nicknames ApacheLogFormat knows) into a parser for the lines it writes.
// The string is taken as it stands between the quotes of a LogFormat
// directive: `\"` is a quote, `\\` a backslash, `\n` and `\t` as Apache
// reads them; `%%` is a percent sign.
//
// The record's Status is %>s (else %s or %<s), its ServerName %v (else
// %V), Request %r, RequestTime %D, %{us}T, %{ms}T, %T or %{s}T; a line
// with %{BALANCER_WORKER_NAME}e set has one attempt: that worker (scheme
// and path cut off), the status and the request time. Apache logs no
// upstream status, so Generated is always a guess from the status (502
// and 504).
//
// It fails on an empty format, an unknown directive, an unclosed `%{`, a
// directive that needs an argument without one, an unknown %{UNIT}T, and
// two directives with no literal text between them (`%h%u`).
func CompileApache(format string) (*Parser, error) {
	if f, ok := apacheNicknames[format]; ok {
		format = f
	}
	if strings.TrimSpace(format) == "" {
		return nil, fmt.Errorf("LogFormat: empty format")
	}
	ops, err := tokenizeApacheFormat(format)
	if err != nil {
		return nil, err
	}
	p := &Parser{format: format, escape: LogFormatEscapeJSON, apache: true}
	if err := p.compileOps(ops); err != nil {
		return nil, err
	}
	p.indexApacheFields()
	return p, nil
}

// tokenizeApacheFormat splits a LogFormat string the way mod_log_config's
// parse_log_item does: `%`, then any of `!`, `<`, `>`, `,`, status digits
// and one `{argument}`, then the directive's letter (or `^ti`, `^to`).
func tokenizeApacheFormat(format string) ([]formatOp, error) {
	var ops []formatOp
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			ops = append(ops, formatOp{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(format); {
		c := format[i]
		switch {
		case c == '\\' && i+1 < len(format):
			switch e := format[i+1]; e {
			case 'n':
				lit.WriteByte('\n')
			case 't':
				lit.WriteByte('\t')
			case '"', '\\':
				lit.WriteByte(e)
			default:
				lit.WriteByte('\\')
				lit.WriteByte(e)
			}
			i += 2
		case c != '%':
			lit.WriteByte(c)
			i++
		case i+1 < len(format) && format[i+1] == '%':
			lit.WriteByte('%')
			i += 2
		default:
			ds, n, err := parseApacheItem(format[i:])
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				if d.literal != "" {
					lit.WriteString(d.literal)
					continue
				}
				flush()
				ops = append(ops, d)
			}
			i += n
		}
	}
	flush()
	return ops, nil
}
