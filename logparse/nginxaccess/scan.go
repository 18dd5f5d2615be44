package nginxaccess

import "fmt"

// formatOp is one element of a compiled log format: a literal or a
// variable, with the way the variable's end is found in a line.
type formatOp struct {
	literal string   // literal text; "" for a variable
	name    string   // variable name, lowercase, without `$`
	label   string   // how errors name the variable ("%>s" in an Apache format); "" for "$name"
	hint    uint8    // byte class of the values when not classVars[name] (Apache directives)
	slot    int      // index of the variable's value in Record.vals
	scan    scanKind // how the value's end is found
	class   uint8    // scanClass, scanRest: bytes the value may contain (0: any)
	width   int      // scanFixed: length of the value
	next    string   // the literal that follows the variable ("" when none)
	nextB   []byte   // next, for bytes.Index
}

// scanKind says how the end of a variable's value is found.
type scanKind uint8

const (
	// scanRest: the last element of the format takes the rest of the line.
	scanRest scanKind = iota
	// scanFixed: values always have the same width ($time_local).
	scanFixed
	// scanClass: values are a run of bytes of one class (digits, tokens
	// without spaces or quotes), and the next literal starts with a byte
	// outside it: exact.
	scanClass
	// scanList: an $upstream_* list, elements without spaces joined by ", "
	// and " : ".
	scanList
	// scanQuoteDefault: followed by `"` in escape=default, where values
	// never contain `"` (it is written \x22): up to the first `"`, exact.
	scanQuoteDefault
	// scanQuoteJSON: followed by `"` in escape=json: up to the first `"`
	// without a backslash before it, exact.
	scanQuoteJSON
	// scanGeneric: up to the first occurrence of the next literal; a later
	// mismatch retries at the following occurrence (backtracking).
	scanGeneric
)

// Byte classes of variable values (bit masks of byteClass).
const (
	classDigits  uint8 = 1 << iota // 0-9 and '-'
	classDecimal                   // digits, '.', '-'
	classToken                     // no space, control byte or '"'
	classElement                   // token without ','
)

// byteClass maps a byte to the classes it belongs to.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c > ' ' && c != 0x7f && c != '"' {
			t[c] |= classToken
			if c != ',' {
				t[c] |= classElement
			}
		}
		if c >= '0' && c <= '9' || c == '-' {
			t[c] |= classDigits | classDecimal
		}
	}
	t['.'] |= classDecimal
	return t
}()

// fixedWidth are the variables whose values always have the same length.
var fixedWidth = map[string]int{
	"time_local":   len("28/Sep/1970:12:00:00 +0600"),
	"time_iso8601": len("1970-09-28T12:00:00+06:00"),
}

// listVars are the upstream variables that hold one value per attempt
// (ngx_http_upstream_addr_variable and its siblings), joined by ", "
// within an upstream group and " : " between groups.
var listVars = map[string]bool{
	"upstream_addr": true, "upstream_status": true,
	"upstream_response_time": true, "upstream_connect_time": true, "upstream_header_time": true,
	"upstream_response_length": true, "upstream_bytes_received": true, "upstream_bytes_sent": true,
}

// classVars are variables whose values never contain a space or a quote:
// numbers computed by nginx, addresses, validated names.
var classVars = map[string]uint8{
	"status": classDigits, "body_bytes_sent": classDigits, "bytes_sent": classDigits,
	"request_length": classDigits, "connection": classDigits, "connection_requests": classDigits,
	"pid": classDigits, "server_port": classDigits, "remote_port": classDigits,
	"request_time": classDecimal, "msec": classDecimal, "connection_time": classDecimal,
	"gzip_ratio": classDecimal, "session_time": classDecimal,
	"remote_addr": classToken, "server_addr": classToken, "realip_remote_addr": classToken,
	"proxy_protocol_addr": classToken, "server_name": classToken,
	"host": classToken, "hostname": classToken, "scheme": classToken, "https": classToken,
	"request_method": classToken, "server_protocol": classToken, "request_id": classToken,
	"req_id": classToken, "pipe": classToken, "upstream_cache_status": classToken,
	"ssl_protocol": classToken, "ssl_cipher": classToken, "proxy_host": classToken,
	"proxy_port": classDigits, "nginx_version": classToken,
	"proxy_upstream_name": classToken, "proxy_alternative_upstream_name": classToken,
}

// chooseScan decides how the value of variable op ends, given the element
// that follows it (nil at the end of the format).
func (op *formatOp) chooseScan(next *formatOp, escape LogFormatEscape) error {
	if w, ok := fixedWidth[op.name]; ok {
		op.scan, op.width = scanFixed, w
		if next != nil {
			op.next, op.nextB = next.literal, []byte(next.literal)
		}
		return nil
	}
	if next != nil && next.literal == "" {
		return fmt.Errorf("log_format: variables %s and %s have no literal text between them, "+
			"so where one value ends and the next begins cannot be found: separate them (e.g. with a space)",
			op.display(), next.display())
	}
	class := classVars[op.name]
	if op.hint != 0 {
		class = op.hint
	}
	if escape == LogFormatEscapeNone && class == classToken {
		class = 0 // unescaped: a host may contain a raw quote
	}
	if listVars[op.name] {
		class = classElement
	}
	if next == nil {
		op.scan, op.class = scanRest, class
		if listVars[op.name] {
			op.class = 0 // spaces of the separators
		}
		return nil
	}
	op.next, op.nextB = next.literal, []byte(next.literal)
	first := op.next[0]
	switch {
	case listVars[op.name] && byteClass[first]&classElement == 0:
		op.scan = scanList
	case first == '"' && escape == LogFormatEscapeJSON:
		op.scan = scanQuoteJSON // a token may hold an escaped \"
	case class != 0 && byteClass[first]&class == 0:
		op.scan, op.class = scanClass, class
	case first == '"' && escape == LogFormatEscapeDefault:
		op.scan = scanQuoteDefault
	default:
		op.scan = scanGeneric
	}
	return nil
}

// display names the variable in errors: "$status", or the Apache directive.
func (op *formatOp) display() string {
	if op.label != "" {
		return op.label
	}
	return "$" + op.name
}
